package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.Frame;
import dev.herald.client.HeraldClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.stream.JsonParser;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * A cluster under chaos (protocol.md §6 and §7), with real processes on loopback: one {@code redis-server} and two
 * Herald nodes, each in its own JVM, sharing it with {@code broker=redis}. Each test is one scenario: load through
 * both nodes, pub/sub links cut by Redis, Redis stopped and restarted, a node killed with SIGKILL, Redis flushed or
 * restarted from an older snapshot. Every subscriber's list of (offset, text) is compared with what the publishers
 * were acknowledged: one order, no gap, no duplicate.
 *
 * <p>Subscribers are plain {@link HeraldClient}s; two {@link Drainer} threads empty their queues as frames arrive
 * and keep only what the checks need, so that 200 clients and a million frames stay light in this JVM.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterChaosIT {

    /** Subscribers per node in each scenario, all in one room. */
    private static final int SUBSCRIBERS_PER_NODE = 100;
    /** Most publishes without an answer yet: the tests measure correctness, not overload. */
    private static final int WINDOW = 200;
    /** How long every subscriber may take to get everything once the publisher is done (a busy shared machine). */
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    /** How long a test waits for something that must not come (a duplicate after the last message). */
    private static final Duration QUIET = Duration.ofMillis(500);
    private static final Duration POLL = Duration.ofMillis(20);
    /**
     * Most that a node's used heap after a full GC may grow across a 5 s Redis outage. Measured growth is under
     * 1 MiB; the publishes refused during the outage carry {@link #OUTAGE_PADDING} each, over 16 MiB in all, so a
     * node that kept them (queued for later, or leaked) would go over it.
     */
    private static final long HEAP_GROWTH_BOUND = 16L << 20;
    /** Characters added to the text of each publish sent while Redis is down. */
    private static final int OUTAGE_PADDING = 32 * 1024;
    /**
     * One JSON-P provider for the whole class: {@code Json.createReader} and {@code Json.createObjectBuilder} look
     * the provider up with a ServiceLoader on every call, which a million frames cannot afford.
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static RedisProcess redis;
    private static NodeProcess nodeA;
    private static NodeProcess nodeB;
    private Drainer drainer;
    private String room;
    private final List<Member> everyone = new CopyOnWriteArrayList<>();
    private long startedAt;
    private String testName;

    /**
     * One Redis and two nodes for the whole class: a cold node JVM takes seconds to start and more to warm up on
     * two shared cores. Each scenario has its own room, and the nodes are meant to survive what the scenarios do
     * to them; what one leaves dead (node B after SIGKILL, or Redis after a failure midway) the next one restarts.
     */
    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisProcess.start();
        // Both JVMs start at once.
        ExecutorService starting = Executors.newFixedThreadPool(2);
        try {
            Future<NodeProcess> a = starting.submit(() -> NodeProcess.start("chaos-a", flags(), Map.of()));
            Future<NodeProcess> b = starting.submit(() -> NodeProcess.start("chaos-b", flags(), Map.of()));
            // Each node is kept as soon as it is up, so that @AfterAll stops it even if the other failed.
            Exception failed = null;
            try {
                nodeA = a.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed = e;
            }
            try {
                nodeB = b.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed = failed == null ? e : failed;
            }
            if (failed != null) {
                throw failed;
            }
        } finally {
            starting.shutdownNow();
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        run(failures, () -> {
            if (nodeA != null) {
                nodeA.stop();
            }
        });
        run(failures, () -> {
            if (nodeB != null) {
                nodeB.stop();
            }
        });
        run(failures, () -> {
            if (redis != null) {
                redis.close();
            }
        });
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("stopping the cluster failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    /** A new room, and a cluster that serves: Redis and both nodes running, each node publishing through Redis. */
    @BeforeEach
    void readyCluster(TestInfo test) throws Exception {
        startedAt = System.nanoTime();
        testName = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?");
        room = "chaos-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        drainer = new Drainer(everyone);
        if (!alive(redis.pid())) {
            redis.restart();
        }
        if (!alive(nodeA.pid())) {
            nodeA = NodeProcess.start("chaos-a", flags(), Map.of());
        }
        if (!alive(nodeB.pid())) {
            nodeB = NodeProcess.start("chaos-b", flags(), Map.of());
        }
        for (NodeProcess node : List.of(nodeA, nodeB)) {
            awaitServing(node);
        }
        progress("cluster ready");
    }

    /** Closes this scenario's clients; the nodes and Redis stay for the next one. */
    @AfterEach
    void closeClients() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        run(failures, drainer::close);
        for (Member member : everyone) {
            run(failures, member::closeQuietly);
        }
        everyone.clear();
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("closing the clients failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Waits until {@code node} takes a member and acks a publish in a room of its own, for at most 30 s: after a
     * Redis restart its link comes back by itself, within a few seconds.
     */
    private void awaitServing(NodeProcess node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String probeRoom = room + "-probe";
        while (true) {
            Member probe = null;
            try {
                probe = join(probeRoom, node, "probe", null);
                new Publisher(probe).awaitAvailable("probe");
                return;
            } catch (Exception | AssertionError e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(node + " does not serve: " + node.log().lines()
                            .filter(line -> line.contains("WARNING") || line.contains("SEVERE"))
                            .reduce((first, second) -> second).orElse("(no warning in its log)"), e);
                }
                Thread.sleep(200); // the node's link to Redis is coming back: try again
            } finally {
                if (probe != null) {
                    everyone.remove(probe);
                    probe.closeQuietly();
                }
            }
        }
    }

    /** One line per phase on stdout, so that a slow run shows where its time went. */
    private void progress(String what) {
        System.out.printf("ClusterChaosIT.%s: %s after %.1f s%n", testName, what,
                (System.nanoTime() - startedAt) / 1e9);
    }

    private static Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("broker", "redis");
        flags.put("redis-url", redis.url());
        // Every client of this test comes from 127.0.0.1.
        flags.put("max-connections-per-address", "1000");
        flags.put("connect-rate-per-address", "100000");
        // One publisher sends thousands of frames a second.
        flags.put("rate-per-second", "100000");
        flags.put("rate-burst", "100000");
        // 10 000 messages of ~200 bytes are 2 MB: a subscriber that lags behind a loaded JVM is never "slow".
        flags.put("queue-bytes", Integer.toString(64 << 20));
        // A pub/sub cut, a node's death or a resume of 100 members must be repairable from history whole.
        flags.put("history-size", "20000");
        flags.put("recovery-max", "20000");
        return flags;
    }

    // ---- the scenarios ------------------------------------------------------------------------------

    /** Scenario 1: 10 000 messages from node A reach 100 subscribers on each node, identically. */
    @Test
    void tenThousandMessagesReachTwoHundredSubscribersOnTwoNodesInOneOrder() throws Exception {
        List<Member> subscribers = subscribe(SUBSCRIBERS_PER_NODE, SUBSCRIBERS_PER_NODE);
        Publisher publisher = publisher(nodeA, "pa");
        int total = 10_000;

        publisher.publish(total, "a");
        publisher.awaitAnswered(total);
        progress(total + " publishes acked");

        Sequence expected = Sequence.ofAcks(publisher);
        expected.assertConsecutiveFrom(1, total, "the publisher's acks");
        awaitEveryone(all(subscribers, publisher.member), expected);
        assertNoErrors(everyone);
    }

    /** Scenario 2: publishers on both nodes at once (5 000 each) make one sequence that every member sees. */
    @Test
    void publishersOnBothNodesAtOnceMakeOneSequenceThatEverySubscriberSees() throws Exception {
        List<Member> subscribers = subscribe(SUBSCRIBERS_PER_NODE, SUBSCRIBERS_PER_NODE);
        Publisher onA = publisher(nodeA, "pa");
        Publisher onB = publisher(nodeB, "pb");
        int each = 5_000;

        ExecutorService publishing = Executors.newFixedThreadPool(2);
        try {
            Future<?> fromA = publishing.submit(() -> onA.publish(each, "a"));
            Future<?> fromB = publishing.submit(() -> onB.publish(each, "b"));
            fromA.get(DELIVERY.toSeconds(), TimeUnit.SECONDS);
            fromB.get(DELIVERY.toSeconds(), TimeUnit.SECONDS);
        } finally {
            publishing.shutdownNow();
        }
        onA.awaitAnswered(each);
        onB.awaitAnswered(each);
        progress(2 * each + " publishes acked");

        Sequence expected = Sequence.ofAcks(onA, onB);
        expected.assertConsecutiveFrom(1, 2 * each, "both publishers' acks together");
        assertTrue(expected.interleaves("a-", "b-"), "the two publishers really published at the same time");
        awaitEveryone(all(subscribers, onA.member, onB.member), expected);
        assertNoErrors(everyone);
    }

    /** Scenario 3: Redis cuts both nodes' pub/sub links twice mid-stream; the nodes repair from history. */
    @Test
    void pubSubLinksCutTwiceLoseNothingRepeatNothingAndDisconnectNobody() throws Exception {
        List<Member> subscribers = subscribe(SUBSCRIBERS_PER_NODE, SUBSCRIBERS_PER_NODE);
        Publisher publisher = publisher(nodeA, "pa");
        int total = 10_000;
        awaitPubSubClients(2);

        ExecutorService publishing = Executors.newSingleThreadExecutor();
        try {
            Future<?> flowing = publishing.submit(() -> publisher.publish(total, "a"));
            for (int threshold : new int[] {2_500, 5_500}) {
                waitUntil(() -> publisher.acked() >= threshold || flowing.isDone(),
                        Duration.ofSeconds(60), threshold + " messages acked before the cut");
                assertFalse(flowing.isDone(), "the cut must happen while messages flow");
                // One pub/sub connection per node: both links are cut at once, mid-stream.
                assertEquals("2", redis.command("CLIENT", "KILL", "TYPE", "pubsub"), "both nodes' links were cut");
                awaitPubSubClients(2); // both nodes came back by themselves before the next cut
            }
            assertTrue(publisher.acked() < total, "messages were still flowing after the second cut");
            flowing.get(DELIVERY.toSeconds(), TimeUnit.SECONDS);
        } finally {
            publishing.shutdownNow();
        }
        publisher.awaitAnswered(total);
        progress(total + " publishes acked");

        Sequence expected = Sequence.ofAcks(publisher);
        expected.assertConsecutiveFrom(1, total, "the publisher's acks");
        List<Member> members = all(subscribers, publisher.member);
        awaitEveryone(members, expected);
        assertNoErrors(everyone);
        for (Member member : members) {
            assertTrue(member.isOpen() && !member.client().closeStatus().isDone(),
                    member + " was disconnected: " + member.client().closeStatus().getNow(null));
        }
    }

    /**
     * Scenario 4: Redis down for 5 s. A restart starts a new epoch for every room (Herald cannot tell a current
     * snapshot from an old one), so what is checked after it is that new publishes reach everyone in one order.
     */
    @Test
    void aRedisOutageRefusesPublishesThenBothNodesResubscribeAndTheHeapStaysFlat() throws Exception {
        List<Member> subscribers = subscribe(SUBSCRIBERS_PER_NODE, SUBSCRIBERS_PER_NODE);
        Publisher publisher = publisher(nodeA, "pa");
        List<Member> members = all(subscribers, publisher.member);

        // Traffic before the outage, so that the baseline heap holds a warmed-up node with a full room.
        int before = 1_000;
        publisher.publish(before, "pre");
        publisher.awaitAnswered(before);
        Sequence preOutage = Sequence.ofAcks(publisher);
        preOutage.assertConsecutiveFrom(1, before, "acks before the outage");
        awaitEveryone(members, preOutage);
        long heapBeforeA = usedHeapAfterFullGc(nodeA);
        long heapBeforeB = usedHeapAfterFullGc(nodeB);

        AtomicBoolean keepPublishing = new AtomicBoolean(true);
        ExecutorService publishing = Executors.newSingleThreadExecutor();
        long stopped;
        long restarted;
        try {
            // About 500 a second, through the outage and after it, at most 20 000 in all.
            Future<?> flowing = publishing.submit(() -> publisher.publishWhile(keepPublishing, 20_000, "run",
                    Duration.ofMillis(2)));
            int ackedBefore = publisher.acked();
            waitUntil(() -> publisher.acked() >= ackedBefore + 200, Duration.ofSeconds(30), "publishing flows");

            redis.stop();
            stopped = System.nanoTime();
            publisher.padding = "x".repeat(OUTAGE_PADDING);
            waitUntil(() -> !publisher.refused.isEmpty(), Duration.ofSeconds(15), "a publish refused as unavailable");
            // The outage itself, a deliberate sleep: Redis stays down for 5 s while the publisher keeps publishing.
            Thread.sleep(5_000);
            publisher.padding = "";
            restarted = System.nanoTime();
            redis = redis.restart();
            long back = System.nanoTime();

            // After the restart: wait until 1 000 publishes sent after it are acked, then stop publishing.
            waitUntil(() -> publisher.ackedSentAfter(back) >= 1_000, Duration.ofSeconds(60),
                    "1 000 publishes acked after Redis came back");
            keepPublishing.set(false);
            flowing.get(30, TimeUnit.SECONDS);
        } finally {
            keepPublishing.set(false);
            publishing.shutdownNow();
        }
        publisher.awaitAnswered(publisher.sent());
        awaitPubSubClients(2);

        // Refused: every publish sent and answered while Redis was surely down, each with its ref. (One sent in
        // the outage but read by the node only after the restart may be acked: the node reads a connection's
        // frames in order, and on a loaded machine it can be a window's worth behind.)
        List<String> answeredInOutage = publisher.sentAndAnsweredBetween(stopped, restarted);
        assertTrue(answeredInOutage.size() * (long) OUTAGE_PADDING > HEAP_GROWTH_BOUND,
                "the publisher published enough during the outage to show on the heap: " + answeredInOutage.size());
        for (String ref : answeredInOutage) {
            JsonObject error = publisher.refused.get(ref);
            assertTrue(error != null, "a publish during the outage was not refused: " + ref + " acked at "
                    + publisher.acks.get(ref));
            assertEquals("error", error.getString("type"));
            assertEquals("unavailable", error.getString("code"), error.toString());
            assertEquals(ref, error.getString("ref"));
        }
        assertTrue(publisher.member.isOpen(), "the publisher's connection stayed open");

        // After the restart: a new epoch (offsets from 1), the same messages in one order on every member. Every
        // publish sent after Redis stopped that was acked went through the restarted Redis.
        Set<String> sentAfterStop = publisher.sentAfterRefs(stopped);
        Sequence afterRestart = Sequence.ofAcks(sentAfterStop::contains, publisher);
        assertTrue(afterRestart.size() >= 1_000, "acked after the restart: " + afterRestart.size());
        afterRestart.assertConsecutiveFrom(1, afterRestart.size(), "acks after the restart (a new epoch)");
        awaitEveryone(members, afterRestart, member -> member.sequence().only(afterRestart.textSet()));
        Sequence first = members.get(0).sequence();
        for (Member member : members) {
            assertEquals(first.size(), member.sequence().size(), member + " saw another number of messages");
            first.assertSameAs(member.sequence(), member + " against " + members.get(0));
        }
        assertNoErrors(everyone);
        for (Member member : members) {
            assertTrue(member.isOpen(), member + " was disconnected: " + member.client().closeStatus().getNow(null));
        }

        long heapAfterA = usedHeapAfterFullGc(nodeA);
        long heapAfterB = usedHeapAfterFullGc(nodeB);
        System.out.printf("used heap after a full GC, before and after the outage: A %d -> %d KiB, B %d -> %d KiB%n",
                heapBeforeA >> 10, heapAfterA >> 10, heapBeforeB >> 10, heapAfterB >> 10);
        assertTrue(heapAfterA - heapBeforeA < HEAP_GROWTH_BOUND,
                "node A's heap grew from " + heapBeforeA + " to " + heapAfterA + " bytes");
        assertTrue(heapAfterB - heapBeforeB < HEAP_GROWTH_BOUND,
                "node B's heap grew from " + heapBeforeB + " to " + heapAfterB + " bytes");
    }

    /** Scenario 5: node B dies by SIGKILL; its members resume on node A while A's publisher keeps publishing. */
    @Test
    void membersOfAKilledNodeResumeOnTheOtherNodeWithNothingLostOrRepeated() throws Exception {
        List<Member> subscribers = subscribe(SUBSCRIBERS_PER_NODE, SUBSCRIBERS_PER_NODE);
        List<Member> onA = subscribers.subList(0, SUBSCRIBERS_PER_NODE);
        List<Member> onB = subscribers.subList(SUBSCRIBERS_PER_NODE, subscribers.size());
        Publisher publisher = publisher(nodeA, "pa");

        AtomicBoolean keepPublishing = new AtomicBoolean(true);
        ExecutorService publishing = Executors.newSingleThreadExecutor();
        try {
            Future<?> flowing = publishing.submit(() -> publisher.publishWhile(keepPublishing, 20_000, "m",
                    Duration.ofMillis(2)));
            waitUntil(() -> publisher.acked() >= 1_000, Duration.ofSeconds(60), "1 000 messages before the kill");
            nodeB.kill9();
            for (Member member : onB) {
                CloseStatus status = member.client().closeStatus().get(10, TimeUnit.SECONDS);
                assertEquals(CloseStatus.ABNORMAL, status.code(), member + ": " + status);
            }
            int ackedAtKill = publisher.acked();
            for (Member member : onB) {
                member.resumeOn(nodeA);
            }
            int ackedAtResume = publisher.acked();
            // Keep publishing a while after the last resume, so that live traffic follows every replay.
            waitUntil(() -> publisher.acked() >= ackedAtResume + 500, Duration.ofSeconds(60),
                    "500 messages after the resumes");
            keepPublishing.set(false);
            flowing.get(30, TimeUnit.SECONDS);
            assertTrue(ackedAtResume > ackedAtKill, "the publisher kept publishing while the members came back");
        } finally {
            keepPublishing.set(false);
            publishing.shutdownNow();
        }
        publisher.awaitAnswered(publisher.sent());

        Sequence expected = Sequence.ofAcks(publisher);
        expected.assertConsecutiveFrom(1, publisher.sent(), "the publisher's acks");
        for (Member member : onB) {
            JsonObject welcome = member.resumedWelcome();
            assertTrue(welcome.getBoolean("recovered", false), member + ": " + welcome);
            assertEquals(member.welcome().getString("epoch"), welcome.getString("epoch"), member.toString());
            assertEquals(welcome.getJsonNumber("offset").longValue() - member.resumedSince(),
                    welcome.getInt("missed"), member + ": missed counts the messages after since");
        }
        // Whole lists: what a member saw on B, then on A after its resume, is the one sequence, once.
        awaitEveryone(all(subscribers, publisher.member), expected);
        assertNoErrors(everyone);
    }

    /** Scenario 6, first half: FLUSHALL while the room has history. */
    @Test
    void afterFlushAllTheNextResumeOnEitherNodeIsNotRecoveredAndNamesANewEpoch() throws Exception {
        // Ann stays in the room on node A the whole time; node B has nobody there until Bob resumes.
        Member ann = join(nodeA, "ann", null);
        Publisher publisher = new Publisher(ann);
        String first = ann.welcome().getString("epoch");
        publisher.publish(30, "f");
        publisher.awaitAnswered(30);
        Sequence.ofAcks(publisher).assertConsecutiveFrom(1, 30, "acks before FLUSHALL");
        awaitEveryone(List.of(ann), Sequence.ofAcks(publisher));

        assertEquals("OK", redis.command("FLUSHALL"));

        // The next resume on each node, before anything new is published.
        List<Executable> checks = new ArrayList<>();
        Member bob = join(nodeB, "bob", "since=30&epoch=" + first);
        Member cid = join(nodeA, "cid", "since=30&epoch=" + first);
        for (Member resumed : List.of(bob, cid)) {
            checks.add(() -> assertNotRecoveredUnderANewEpoch(resumed, first));
        }
        checks.add(() -> assertEquals(bob.welcome().getString("epoch"), cid.welcome().getString("epoch"),
                "one epoch for the room on both nodes: " + bob.welcome() + " and " + cid.welcome()));

        // The room goes on from offset 1: every member, live or resumed, on either node, gets the new messages.
        publisher.publish(20, "s");
        publisher.awaitAnswered(50);
        Sequence second = Sequence.ofAcks(ref -> ref.startsWith("s-"), publisher);
        second.assertConsecutiveFrom(1, 20, "acks after FLUSHALL: a new epoch counts from 1");
        awaitEveryone(List.of(bob, cid), second);
        awaitEveryone(List.of(ann), second, member -> member.sequence().only(second.textSet()));

        // Under the new epoch (as node B, where the room was not live, named it) the room resumes; under the old
        // one it never does, on either node.
        String newEpoch = bob.welcome().getString("epoch");
        for (NodeProcess node : List.of(nodeA, nodeB)) {
            Member current = join(node, "dan-" + node.port(), "since=20&epoch=" + newEpoch);
            checks.add(() -> assertTrue(current.welcome().getBoolean("recovered", false)
                    && current.welcome().getInt("missed", -1) == 0, current + ": " + current.welcome()));
            Member old = join(node, "eve-" + node.port(), "since=20&epoch=" + first);
            checks.add(() -> assertNotRecoveredUnderANewEpoch(old, first));
        }
        checks.add(() -> assertNoErrors(everyone));
        assertAll(checks);
    }

    /** Scenario 6, second half: Redis crashes and comes back from an older snapshot. */
    @Test
    void afterARestartFromAnOlderSnapshotTheNextResumeIsNotRecoveredAndOldOffsetsAreNeverReused() throws Exception {
        // Live members on both nodes the whole time.
        Member ann = join(nodeA, "ann", null);
        Member bob = join(nodeB, "bob", null);
        Publisher publisher = new Publisher(ann);
        String old = ann.welcome().getString("epoch");
        publisher.publish(20, "k");
        publisher.awaitAnswered(20);
        assertEquals("OK", redis.command("SET", "chaos-marker", "saved"));
        assertEquals("OK", redis.command("SAVE"));
        // Offsets 21 to 50 of the old epoch exist only in Redis's memory: the crash loses them.
        publisher.publish(30, "l");
        publisher.awaitAnswered(50);
        Sequence before = Sequence.ofAcks(publisher);
        before.assertConsecutiveFrom(1, 50, "acks before the crash");
        awaitEveryone(List.of(ann, bob), before);

        redis.kill();
        redis = redis.restart();
        assertEquals("saved", redis.command("GET", "chaos-marker"), "Redis came back with the older snapshot");
        awaitPubSubClients(2);

        // The next resume on each node, before anything new is published: from the last offset seen, and from
        // the last offset the snapshot still has.
        List<Executable> checks = new ArrayList<>();
        for (NodeProcess node : List.of(nodeA, nodeB)) {
            for (long since : new long[] {50, 20}) {
                Member back = join(node, "cid-" + node.port() + "-" + since, "since=" + since + "&epoch=" + old);
                checks.add(() -> assertNotRecoveredUnderANewEpoch(back, old));
            }
        }

        // New publishes: the new epoch counts from 1, and resuming the old epoch still never succeeds, though
        // its offsets 1 to 20 are in the snapshot and offsets 1 to 11 are being handed out again.
        publisher.awaitAvailable("u");
        publisher.publish(10, "v");
        publisher.awaitAnswered(publisher.sent());
        Sequence after = Sequence.ofAcks(ref -> ref.startsWith("v-"), publisher);
        after.assertConsecutiveFrom(2, 10, "acks after the restart: offset 1 was the first publish that got through");
        for (NodeProcess node : List.of(nodeA, nodeB)) {
            for (long since : new long[] {50, 20, 5}) {
                Member back = join(node, "dan-" + node.port() + "-" + since, "since=" + since + "&epoch=" + old);
                checks.add(() -> assertNotRecoveredUnderANewEpoch(back, old));
            }
            Member fresh = join(node, "eve-" + node.port(), null);
            checks.add(() -> assertNotEquals(old, fresh.welcome().getString("epoch"), fresh + ": " + fresh.welcome()));
            checks.add(() -> assertEquals(11, fresh.welcome().getJsonNumber("offset").longValue(),
                    fresh + ": the new epoch's latest offset: " + fresh.welcome()));
        }
        // The live members on both nodes get the new epoch's messages in order.
        awaitEveryone(List.of(ann, bob), after, member -> member.sequence().only(after.textSet()));
        checks.add(() -> assertNoErrors(everyone));
        assertAll(checks);
    }

    /** A resume under {@code lost}, an epoch whose history Redis no longer has: not recovered, a new epoch. */
    private static void assertNotRecoveredUnderANewEpoch(Member resumed, String lost) {
        JsonObject welcome = resumed.welcome();
        assertFalse(welcome.getBoolean("recovered", true), resumed + " recovered a lost epoch: " + welcome);
        assertFalse(welcome.containsKey("missed"), resumed + ": " + welcome);
        assertNotEquals(lost, welcome.getString("epoch"),
                resumed + " was told the lost epoch is current, so the offsets that follow would count under it: "
                        + welcome);
    }

    // ---- cluster helpers ----------------------------------------------------------------------------

    private URI roomUri(String roomName, NodeProcess node, String name, String query) {
        return node.uri().resolve("rooms/" + roomName + "?name=" + name + (query == null ? "" : "&" + query));
    }

    /** Joins this scenario's room. */
    private Member join(NodeProcess node, String name, String query) throws Exception {
        return join(room, node, name, query);
    }

    /** Connects, reads the welcome, and hands the member to the drainer. */
    private Member join(String roomName, NodeProcess node, String name, String query) throws Exception {
        HeraldClient client = HeraldClient.connect(roomUri(roomName, node, name, query));
        Member member;
        try {
            member = new Member(name, node, client, Frames.expect(client, "welcome"));
        } catch (Exception | AssertionError e) {
            client.close();
            throw e;
        }
        everyone.add(member);
        return member;
    }

    /** {@code onA} subscribers on node A, then {@code onB} on node B, joined four at a time. */
    private List<Member> subscribe(int onA, int onB) throws Exception {
        List<Callable<Member>> joins = new ArrayList<>();
        for (int i = 0; i < onA + onB; i++) {
            NodeProcess node = i < onA ? nodeA : nodeB;
            String name = (i < onA ? "sa" : "sb") + i;
            joins.add(() -> join(node, name, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Member> members = new ArrayList<>();
            for (Future<Member> joined : pool.invokeAll(joins, 120, TimeUnit.SECONDS)) {
                members.add(joined.get());
            }
            for (Member member : members) {
                assertEquals(0, member.welcome().getJsonNumber("offset").longValue(), "a new room");
            }
            progress(members.size() + " subscribers joined");
            return members;
        } finally {
            pool.shutdownNow();
        }
    }

    private Publisher publisher(NodeProcess node, String name) throws Exception {
        return new Publisher(join(node, name, null));
    }

    private static List<Member> all(List<Member> subscribers, Member... more) {
        List<Member> all = new ArrayList<>(subscribers);
        all.addAll(List.of(more));
        return all;
    }

    /** Waits until every member has as many messages as {@code expected}, then checks each one's whole list. */
    private void awaitEveryone(List<Member> members, Sequence expected) throws InterruptedException {
        // Done when each has as many as expected, or has the last one: a member that lost some ends the wait too.
        long last = expected.size() == 0 ? 0 : expected.offsets()[expected.size() - 1];
        boolean complete = poll(() -> members.stream().allMatch(m -> m.count() >= expected.size()
                || m.lastOffset() >= last), DELIVERY);
        checkEveryone(members, expected, Member::sequence, complete);
    }

    /** As above, for the part of each member's messages that {@code seen} picks. */
    private void awaitEveryone(List<Member> members, Sequence expected, Function<Member, Sequence> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        boolean complete;
        while (!(complete = members.stream().allMatch(m -> seen.apply(m).size() >= expected.size()))
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(250); // each check filters every member's list: not too often
        }
        checkEveryone(members, expected, seen, complete);
    }

    private void checkEveryone(List<Member> members, Sequence expected, Function<Member, Sequence> seen,
                               boolean complete) throws InterruptedException {
        // Whatever would arrive after the last one is a duplicate: give it a moment to show.
        Thread.sleep(QUIET.toMillis());
        progress(members.size() + " members got " + expected.size() + " messages" + (complete ? "" : " (or not)"));
        List<String> wrong = new ArrayList<>();
        for (Member member : members) {
            String difference = expected.differenceFrom(seen.apply(member));
            if (difference != null) {
                wrong.add(member + ": " + difference);
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.size() + " of " + members.size() + " members did not get the "
                    + expected.size() + " expected messages exactly once in order" + (complete ? "" : " within "
                    + DELIVERY) + "; first ones:\n" + String.join("\n", wrong.subList(0, Math.min(10, wrong.size()))));
        }
    }

    private static void assertNoErrors(List<Member> members) {
        for (Member member : members) {
            assertEquals(List.of(), member.errors(), member + " got error frames");
        }
    }

    /** Waits until Redis counts {@code count} subscribers of the room's channel: every node with members has (re)subscribed. */
    private void awaitPubSubClients(int count) throws InterruptedException {
        waitUntil(() -> {
            try {
                List<String> reply = redis.command("PUBSUB", "NUMSUB", "herald:{" + room + "}:messages").lines().toList();
                return reply.size() == 2 && Integer.parseInt(reply.get(1).trim()) == count;
            } catch (IOException | NumberFormatException e) {
                return false;
            }
        }, Duration.ofSeconds(30), count + " nodes subscribed to the room's channel");
    }

    /**
     * The node's used heap right after a full collection: {@code jcmd <pid> GC.run}, then {@code GC.heap_info},
     * with the jcmd of the JDK that runs the nodes.
     */
    private static long usedHeapAfterFullGc(NodeProcess node) throws Exception {
        jcmd(node, "GC.run");
        String info = jcmd(node, "GC.heap_info");
        Matcher used = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new AssertionError("no used heap in jcmd's GC.heap_info: " + info);
        }
        return Long.parseLong(used.group(1)) << 10;
    }

    private static String jcmd(NodeProcess node, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), command)
                .redirectErrorStream(true).start();
        byte[] out;
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("jcmd " + command + " did not finish within 30 s");
            }
            out = process.getInputStream().readAllBytes();
        } finally {
            process.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError("jcmd " + node.pid() + " " + command + " exited with " + process.exitValue()
                    + ": " + text);
        }
        return text;
    }

    // ---- waiting ------------------------------------------------------------------------------------

    private static void waitUntil(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        if (!poll(condition, timeout)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
    }

    private static boolean poll(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    private static void run(List<Throwable> failures, Step step) {
        try {
            step.run();
        } catch (Throwable e) {
            failures.add(e);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    // ---- members, publishers, sequences -------------------------------------------------------------

    /**
     * One room connection and what it received: its messages as (offset, text) in arrival order and its error
     * frames. Other frames (joined, left, presence) are not these tests' subject and are dropped.
     */
    private final class Member {
        private final String name;
        private final JsonObject welcome;
        private volatile HeraldClient client;
        private volatile Publisher publisher;
        private volatile JsonObject resumedWelcome;
        private volatile long resumedSince;
        private volatile String node;
        private long[] offsets = new long[1024];
        private String[] texts = new String[1024];
        private int size;
        private final List<JsonObject> errors = new ArrayList<>();

        Member(String name, NodeProcess node, HeraldClient client, JsonObject welcome) {
            this.name = name;
            this.node = "node on " + node.port();
            this.client = client;
            this.welcome = welcome;
        }

        JsonObject welcome() {
            return welcome;
        }

        HeraldClient client() {
            return client;
        }

        boolean isOpen() {
            return client.isOpen();
        }

        /** Takes every frame that has arrived so far; {@code true} if there was any. Called by the drainer. */
        synchronized boolean drain() {
            return drain(client);
        }

        private boolean drain(HeraldClient from) {
            boolean any = false;
            try {
                Frame frame;
                while ((frame = from.next(Duration.ZERO)) != null) {
                    any = true;
                    if (frame instanceof Frame.Text text) {
                        try {
                            if (!handledAsMessage(text.text())) {
                                handle(parse(text.text()));
                            }
                        } catch (RuntimeException e) {
                            errors.add(note("unreadable frame " + text.text() + ": " + e));
                        }
                    } else {
                        errors.add(note("unexpected " + frame));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return any;
        }

        /**
         * Reads a {@code message} frame's top-level {@code type}, {@code offset} and {@code text} with JSON-P's
         * streaming parser, without building the object: most frames are messages, and a JsonObject for each of
         * two million frames is most of this JVM's work. {@code false} for any other frame (or a message that
         * lacks a field), which {@link #handle} then reads whole.
         */
        private boolean handledAsMessage(String frame) {
            String type = null;
            String body = null;
            long offset = -1;
            try (JsonParser parser = JSON.createParser(new StringReader(frame))) {
                if (parser.next() != JsonParser.Event.START_OBJECT) {
                    return false;
                }
                for (JsonParser.Event key = parser.next(); key == JsonParser.Event.KEY_NAME; key = parser.next()) {
                    String name = parser.getString();
                    JsonParser.Event value = parser.next();
                    switch (name) {
                        case "type" -> type = value == JsonParser.Event.VALUE_STRING ? parser.getString() : null;
                        case "offset" -> offset = value == JsonParser.Event.VALUE_NUMBER && parser.isIntegralNumber()
                                ? parser.getLong() : -1;
                        case "text" -> body = value == JsonParser.Event.VALUE_STRING ? parser.getString() : null;
                        default -> {
                            if (value == JsonParser.Event.START_OBJECT) {
                                parser.skipObject();
                            } else if (value == JsonParser.Event.START_ARRAY) {
                                parser.skipArray();
                            }
                        }
                    }
                }
            }
            if (!"message".equals(type) || offset < 0 || body == null) {
                return false;
            }
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                texts = Arrays.copyOf(texts, size * 2);
            }
            offsets[size] = offset;
            texts[size] = body;
            size++;
            return true;
        }

        private void handle(JsonObject frame) {
            switch (frame.getString("type", "")) {
                case "message" -> errors.add(note("a message without an offset or a text: " + frame));
                case "ack" -> {
                    Publisher own = publisher;
                    if (own == null) {
                        errors.add(frame);
                    } else {
                        own.acked(frame.getString("ref"), frame.getJsonNumber("offset").longValue());
                    }
                }
                case "error" -> {
                    Publisher own = publisher;
                    if (own != null && frame.containsKey("ref")) {
                        own.refused(frame.getString("ref"), frame);
                    } else {
                        errors.add(frame);
                    }
                }
                default -> {
                    // joined, left, presence, pong: not what these tests check
                }
            }
        }

        synchronized int count() {
            return size;
        }

        synchronized long lastOffset() {
            return size == 0 ? -1 : offsets[size - 1];
        }

        synchronized Sequence sequence() {
            return new Sequence(Arrays.copyOf(offsets, size), Arrays.copyOf(texts, size));
        }

        synchronized List<JsonObject> errors() {
            return List.copyOf(errors);
        }

        /** Reconnects to {@code node} with the last offset and the epoch it saw, as a client whose node died. */
        void resumeOn(NodeProcess other) throws Exception {
            HeraldClient old = client;
            if (!old.closeStatus().isDone()) {
                throw new IllegalStateException(this + " is still connected");
            }
            long since;
            synchronized (this) {
                drain(old); // all it got before the drop: nothing more comes on a closed connection
                since = size == 0 ? welcome.getJsonNumber("offset").longValue() : offsets[size - 1];
            }
            HeraldClient next = HeraldClient.connect(roomUri(room, other, name,
                    "since=" + since + "&epoch=" + welcome.getString("epoch")));
            JsonObject again;
            try {
                again = Frames.expect(next, "welcome");
            } catch (Exception | AssertionError e) {
                next.close();
                throw e;
            }
            synchronized (this) {
                resumedSince = since;
                resumedWelcome = again;
                node = "node on " + other.port();
                client = next;
            }
        }

        JsonObject resumedWelcome() {
            return resumedWelcome;
        }

        long resumedSince() {
            return resumedSince;
        }

        void closeQuietly() throws IOException {
            client.close();
        }

        @Override
        public String toString() {
            return name + " (" + node + ")";
        }
    }

    /** A member that publishes {@code prefix-i} texts, each with its text as {@code ref}, at most WINDOW unanswered. */
    private static final class Publisher {
        final Member member;
        private final Semaphore window = new Semaphore(WINDOW);
        final Map<String, Long> acks = new ConcurrentHashMap<>();
        final Map<String, JsonObject> refused = new ConcurrentHashMap<>();
        /** When each ref was sent ({@link System#nanoTime()}). */
        private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        /** When each ref's ack or error arrived. */
        private final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        private final AtomicInteger sent = new AtomicInteger();
        /** Added to each text (not to its ref) while set. */
        volatile String padding = "";

        Publisher(Member member) {
            this.member = member;
            member.publisher = this;
        }

        void publish(int count, String prefix) {
            for (int i = 0; i < count; i++) {
                send(prefix + "-" + i);
            }
        }

        /** Publishes {@code prefix-i} every {@code pause} (within the window) while {@code going}, at most {@code max}. */
        void publishWhile(AtomicBoolean going, int max, String prefix, Duration pause) {
            try {
                for (int i = 0; i < max && going.get(); i++) {
                    send(prefix + "-" + i);
                    Thread.sleep(pause.toMillis()); // pacing a load, not waiting for an event
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void send(String text) {
            try {
                if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new AssertionError(WINDOW + " publishes stayed unanswered for 60 s");
                }
                sentAt.put(text, System.nanoTime());
                sent.incrementAndGet();
                member.client().sendText(JSON.createObjectBuilder().add("type", "publish").add("text", text + padding)
                        .add("ref", text).build().toString());
            } catch (IOException e) {
                throw new AssertionError("cannot publish " + text, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        void acked(String ref, long offset) {
            answeredAt.putIfAbsent(ref, System.nanoTime());
            Long previous = acks.putIfAbsent(ref, offset);
            if (previous != null || refused.containsKey(ref)) {
                member.errors.add(note("a second answer to " + ref));
            }
            window.release();
        }

        void refused(String ref, JsonObject error) {
            answeredAt.putIfAbsent(ref, System.nanoTime());
            if (refused.putIfAbsent(ref, error) != null || acks.containsKey(ref)) {
                member.errors.add(note("a second answer to " + ref));
            }
            window.release();
        }

        int sent() {
            return sent.get();
        }

        int acked() {
            return acks.size();
        }

        /** Publishes {@code prefix-N} with new refs until one is acked (refused while the cluster reconnects). */
        void awaitAvailable(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int attempt = 0; ; attempt++) {
                String ref = prefix + "-" + attempt;
                send(ref);
                waitUntil(() -> answered(ref), Duration.ofSeconds(10), "an answer to " + ref);
                if (acks.containsKey(ref)) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("the cluster stayed unavailable: " + refused.get(ref));
                }
                Thread.sleep(100); // between retries of a refused publish, as a client would back off
            }
        }

        boolean answered(String ref) {
            return acks.containsKey(ref) || refused.containsKey(ref);
        }

        void awaitAnswered(int count) throws InterruptedException {
            if (!poll(() -> acks.size() + refused.size() >= count, DELIVERY)) {
                throw new AssertionError("timed out after " + DELIVERY + " waiting for answers to " + count
                        + " publishes: " + acks.size() + " acks, " + refused.size() + " refusals");
            }
            assertEquals(count, acks.size() + refused.size(), "one answer per publish");
        }

        long ackedSentAfter(long nanoTime) {
            return acks.keySet().stream().filter(ref -> sentAt.get(ref) - nanoTime > 0).count();
        }

        /** The refs sent after {@code from} and answered (acked or refused) before {@code to}. */
        List<String> sentAndAnsweredBetween(long from, long to) {
            return answeredAt.entrySet().stream()
                    .filter(e -> sentAt.get(e.getKey()) - from > 0 && to - e.getValue() > 0)
                    .map(Map.Entry::getKey).toList();
        }

        Set<String> sentAfterRefs(long nanoTime) {
            return Set.copyOf(sentAt.entrySet().stream().filter(e -> e.getValue() - nanoTime > 0)
                    .map(Map.Entry::getKey).toList());
        }

    }

    private static JsonObject parse(String text) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static JsonObject note(String what) {
        return JSON.createObjectBuilder().add("note", what).build();
    }

    /** Messages as (offset, text), in the order they were seen or acked. */
    private record Sequence(long[] offsets, String[] texts) {

        /** The acked publishes of these publishers, in offset order (text = ref). */
        static Sequence ofAcks(Publisher... publishers) {
            return ofAcks(ref -> true, publishers);
        }

        /** The acked publishes whose ref {@code within} accepts (one epoch's), in offset order. */
        static Sequence ofAcks(Predicate<String> within, Publisher... publishers) {
            TreeMap<Long, String> byOffset = new TreeMap<>();
            List<String> clashes = new ArrayList<>();
            for (Publisher publisher : publishers) {
                publisher.acks.forEach((ref, offset) -> {
                    if (!within.test(ref)) {
                        return;
                    }
                    String other = byOffset.put(offset, ref);
                    if (other != null) {
                        clashes.add(offset + ": " + other + " and " + ref);
                    }
                });
            }
            assertEquals(List.of(), clashes, "two publishes were acked with one offset");
            return new Sequence(byOffset.keySet().stream().mapToLong(Long::longValue).toArray(),
                    byOffset.values().toArray(String[]::new));
        }

        int size() {
            return offsets.length;
        }

        Set<String> textSet() {
            return Set.of(texts);
        }

        /** The elements whose text is in {@code keep}, in this order. */
        Sequence only(Set<String> keep) {
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < texts.length; i++) {
                if (keep.contains(texts[i])) {
                    kept.add(i);
                }
            }
            return new Sequence(kept.stream().mapToLong(i -> offsets[i]).toArray(),
                    kept.stream().map(i -> texts[i]).toArray(String[]::new));
        }

        void assertConsecutiveFrom(long first, int count, String what) {
            assertEquals(count, size(), what + ": how many");
            if (count > 0) {
                assertEquals(first, offsets[0], what + ": the first offset");
            }
            assertConsecutive(what);
        }

        void assertConsecutive(String what) {
            for (int i = 1; i < offsets.length; i++) {
                if (offsets[i] != offsets[i - 1] + 1) {
                    throw new AssertionError(what + ": offset " + offsets[i] + " follows " + offsets[i - 1]);
                }
            }
        }

        /** Both texts contain runs of each prefix that alternate at least a few times. */
        boolean interleaves(String one, String other) {
            int switches = 0;
            for (int i = 1; i < texts.length; i++) {
                if (texts[i].startsWith(one) != texts[i - 1].startsWith(one)) {
                    switches++;
                }
            }
            return switches >= 10 && Arrays.stream(texts).anyMatch(t -> t.startsWith(other));
        }

        void assertSameAs(Sequence seen, String what) {
            String difference = differenceFrom(seen);
            if (difference != null) {
                throw new AssertionError(what + ": " + difference);
            }
        }

        /** {@code null} when {@code seen} is exactly this sequence; else its first difference, gaps and repeats. */
        String differenceFrom(Sequence seen) {
            int common = Math.min(size(), seen.size());
            int first = -1;
            for (int i = 0; i < common && first < 0; i++) {
                if (offsets[i] != seen.offsets[i] || !texts[i].equals(seen.texts[i])) {
                    first = i;
                }
            }
            if (first < 0 && size() == seen.size()) {
                return null;
            }
            StringBuilder why = new StringBuilder("got ").append(seen.size()).append(" messages, expected ")
                    .append(size());
            if (first >= 0) {
                why.append("; first difference at position ").append(first).append(": expected (")
                        .append(offsets[first]).append(", ").append(texts[first]).append(") but got (")
                        .append(seen.offsets[first]).append(", ").append(seen.texts[first]).append(")");
            } else if (seen.size() < size()) {
                why.append("; missing from (").append(offsets[seen.size()]).append(", ").append(texts[seen.size()])
                        .append(") on");
            } else {
                why.append("; extra from (").append(seen.offsets[size()]).append(", ").append(seen.texts[size()])
                        .append(") on");
            }
            List<String> jumps = new ArrayList<>();
            for (int i = 1; i < seen.size() && jumps.size() < 5; i++) {
                if (seen.offsets[i] != seen.offsets[i - 1] + 1) {
                    jumps.add(seen.offsets[i - 1] + " -> " + seen.offsets[i] + " at position " + i);
                }
            }
            if (!jumps.isEmpty()) {
                why.append("; offset jumps (gap or repeat): ").append(String.join(", ", jumps));
            }
            return why.toString();
        }
    }

    /** Two threads that empty every member's queue as frames arrive, in arrival order per member. */
    private static final class Drainer implements AutoCloseable {
        private static final int THREADS = 2;
        private final List<Member> members;
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        Drainer(List<Member> members) {
            this.members = members;
            for (int t = 0; t < THREADS; t++) {
                int lane = t;
                Thread thread = new Thread(() -> drainLane(lane), "chaos-drainer-" + t);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        private void drainLane(int lane) {
            while (running) {
                boolean any = false;
                int index = 0;
                for (Member member : members) { // a snapshot: members join and leave meanwhile
                    if (index++ % THREADS == lane) {
                        any |= member.drain();
                    }
                }
                if (!any) {
                    try {
                        Thread.sleep(1); // nothing arrived anywhere: poll again shortly
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }
}
