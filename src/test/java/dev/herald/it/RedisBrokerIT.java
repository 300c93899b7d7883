package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.broker.Broker;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.Draft;
import dev.herald.broker.History;
import dev.herald.broker.Published;
import dev.herald.broker.RedisBroker;
import dev.herald.broker.RoomState;
import dev.herald.config.HeraldSettings;
import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import dev.herald.protocol.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis broker against a real {@code redis-server}: two brokers stand for two nodes sharing one Redis. Each
 * test checks one guarantee of protocol.md §7 at the broker seam: one order per room, repair after a cut
 * subscription, honest epochs after data loss, and {@code unavailable} while Redis is gone.
 */
@Timeout(120)
class RedisBrokerIT {

    private static final Member ANN = new Member("n1-1", "ann");

    private RedisProcess redis;
    private final List<Broker> brokers = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        brokers.forEach(Broker::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void publishersOnTwoNodesMakeOneOrderThatBothNodesDeliver() throws Exception {
        Sink first = new Sink();
        Sink second = new Sink();
        Broker a = broker(first, Map.of());
        Broker b = broker(second, Map.of());
        RoomState atA = a.subscribe("lobby").at();
        b.subscribe("lobby");
        int each = 1_000;
        Thread fromA = publisher(a, "lobby", "a", each);
        Thread fromB = publisher(b, "lobby", "b", each);
        fromA.join();
        fromB.join();
        waitUntil(() -> first.size() == 2 * each && second.size() == 2 * each, "both nodes got every message");
        first.assertConsecutiveFrom(atA.offset() + 1);
        assertEquals(first.texts(), second.texts(), "both nodes deliver one identical sequence");
        assertEquals(first.offsets(), second.offsets());
    }

    @Test
    void aQuestionIsAnsweredByEveryOtherNodeAndAKeyIsClaimedOnceAcrossNodes() throws Exception {
        Broker a = broker(new Sink(), Map.of());
        Broker b = broker(new Sink(), Map.of());
        Broker c = broker(new Sink(), Map.of());
        // Each broker subscribes to the control channel once linked; ask until all three hear it.
        waitUntil(() -> a.askOthers("{\"op\":\"x\"}").toCompletableFuture().join().size() == 2, "both other nodes answered");
        assertEquals(List.of("heard {\"op\":\"x\"}", "heard {\"op\":\"x\"}"), await(a.askOthers("{\"op\":\"x\"}")));
        assertEquals(Optional.empty(), await(b.claim("request-1", 60_000)), "claimed");
        assertEquals(Optional.of(Broker.PENDING), await(c.claim("request-1", 60_000)), "another node sees it pending");
        b.settle("request-1", "e 5", 60_000);
        waitUntil(() -> c.claim("request-1", 60_000).toCompletableFuture().join().equals(Optional.of("e 5")), "the answer is shared");
        b.settle("request-2", null, 60_000);
        assertEquals(Optional.empty(), await(c.claim("request-2", 60_000)));
        c.settle("request-2", null, 60_000);
        assertEquals(Optional.empty(), await(a.claim("request-2", 60_000)), "a released key is claimed anew");
    }

    @Test
    void aCutSubscriptionIsRepairedFromHistoryWithNothingLostOrRepeated() throws Exception {
        Sink receiving = new Sink();
        Broker reader = broker(receiving, Map.of());
        Broker writer = broker(new Sink(), Map.of());
        reader.subscribe("news");
        int total = 6_000;
        Thread publishing = publisher(writer, "news", "w", total);
        for (int cut = 0; cut < 2; cut++) {
            int before = receiving.size();
            waitUntil(() -> receiving.size() > before + 500, "messages flow before the cut");
            redis.command("CLIENT", "KILL", "TYPE", "pubsub");
        }
        publishing.join();
        waitUntil(() -> receiving.size() >= total, "every message arrived after the cuts");
        assertEquals(total, receiving.size(), "nothing repeated");
        receiving.assertConsecutiveFrom(1);
    }

    @Test
    void aFlushedRedisStartsANewEpochAndNeverReusesAnOffsetUnderTheOldOne() throws Exception {
        Sink sink = new Sink();
        Broker broker = broker(sink, Map.of());
        RoomState before = broker.subscribe("r").at();
        for (int i = 0; i < 3; i++) {
            await(broker.publish("r", draft("m" + i)));
        }
        redis.command("FLUSHALL");
        RoomState after = await(broker.publish("r", draft("after")));
        assertNotEquals(before.epoch(), after.epoch(), "the history is gone, so the epoch changed");
        assertEquals(1, after.offset(), "the new epoch counts from 1");
        waitUntil(() -> sink.size() == 4, "the new epoch's message was delivered");
        assertEquals(after.epoch(), sink.last().epoch());
        History history = await(broker.history("r", 0, 10));
        assertEquals(after.epoch(), history.epoch());
        assertEquals(List.of("after"), history.messages().stream().map(m -> m.text()).toList());
    }

    @Test
    void aRedisRestartedFromAnOlderSnapshotStartsANewEpoch() throws Exception {
        Broker broker = broker(new Sink(), Map.of());
        for (int i = 0; i < 2; i++) {
            await(broker.publish("r", draft("kept" + i)));
        }
        redis.command("SAVE");
        RoomState latest = null;
        for (int i = 0; i < 3; i++) {
            latest = await(broker.publish("r", draft("lost" + i)));
        }
        assertEquals(5, latest.offset());
        redis.kill();
        redis = redis.restart();
        assertEquals("2", redis.command("HGET", "herald:{r}:meta", "offset").trim(),
                "Redis came back with the older snapshot's offsets");
        RoomState next = awaitAvailable(() -> broker.publish("r", draft("next")));
        assertNotEquals(latest.epoch(), next.epoch(), "offsets 3 to 5 of the old epoch must never be handed out again");
        assertEquals(1, next.offset());
    }

    @Test
    void thePeriodicTouchKeepsEveryRoomWithMembersAliveInBatches() throws Exception {
        // history-seconds 8: a room's keys, and with them its epoch, expire 8 s after the last touch. The node
        // touches its rooms every 5 s, 500 to a script call: 1 200 rooms take three calls a touch.
        Map<Setting, String> shortLived = Map.of(Setting.HISTORY_SECONDS, "8");
        Broker node = broker(new Sink(), shortLived);
        Broker other = broker(new Sink(), shortLived);
        int rooms = 1_200;
        List<String> epochs = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            epochs.add(node.subscribe("kept-" + i).at().epoch());
        }
        RoomState unwatched = await(other.publish("unwatched", draft("once")));
        sleep(Duration.ofSeconds(13));
        RoomState later = await(other.publish("unwatched", draft("again")));
        assertNotEquals(unwatched.epoch(), later.epoch(), "a room nobody holds expired, so its epoch is new");
        for (int i = 0; i < rooms; i++) {
            assertEquals(epochs.get(i), await(other.publish("kept-" + i, draft("still"))).epoch(),
                    "room kept-" + i + " was touched and kept its epoch");
        }
    }

    @Test
    void whileRedisIsDownPublishesAreRefusedAndTheNodeResubscribesByItself() throws Exception {
        Sink sink = new Sink();
        Broker reader = broker(sink, Map.of());
        Broker writer = broker(new Sink(), Map.of());
        reader.subscribe("live");
        await(writer.publish("live", draft("before")));
        waitUntil(() -> sink.size() == 1, "delivered before the outage");
        redis.stop();
        long start = System.nanoTime();
        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> writer.publish("live", draft("during")).toCompletableFuture().join());
        assertInstanceOf(BrokerUnavailableException.class, refused.getCause());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "refused promptly, not queued");
        redis = redis.restart();
        awaitAvailable(() -> writer.publish("live", draft("after")));
        waitUntil(() -> sink.size() == 2, "the reader resubscribed by itself and got the message after the outage");
        assertEquals("after", sink.last().message().text());
    }

    @Test
    void historyIsCappedAndReadAfterAnOffset() throws Exception {
        Broker broker = broker(new Sink(), Map.of(Setting.HISTORY_SIZE, "5"));
        for (int i = 1; i <= 8; i++) {
            await(broker.publish("h", draft("m" + i)));
        }
        History history = await(broker.history("h", 0, 100));
        assertEquals(8, history.latest());
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), history.messages().stream().map(m -> m.offset()).toList());
        History after = await(broker.history("h", 6, 1));
        assertEquals(List.of("m7"), after.messages().stream().map(m -> m.text()).toList());
        assertEquals(ANN, after.messages().get(0).from());
    }

    // ---- fixtures ---------------------------------------------------------------------------------

    private Broker broker(Sink sink, Map<Setting, String> overrides) {
        Map<Setting, String> values = new java.util.HashMap<>(overrides);
        values.put(Setting.BROKER, "redis");
        values.put(Setting.REDIS_URL, redis.url());
        HeraldSettings settings = SettingsLoader.load(values::get);
        RedisBroker broker = new RedisBroker(settings.broker(), settings.historySize(), settings.historySeconds(),
                "n" + brokers.size());
        broker.start(sink);
        brokers.add(broker);
        return broker;
    }

    private static Draft draft(String text) {
        return new Draft(ANN, text, "2026-11-30T00:00:00.000Z", null);
    }

    private static Thread publisher(Broker broker, String room, String prefix, int count) {
        Thread thread = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                String text = prefix + i;
                awaitAvailable(() -> broker.publish(room, draft(text)));
            }
        }, "publisher-" + prefix);
        thread.start();
        return thread;
    }

    /** Publishes, retrying while the broker says unavailable (a cut link reconnects within a second or two). */
    private static RoomState awaitAvailable(java.util.function.Supplier<java.util.concurrent.CompletionStage<RoomState>> publish) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return publish.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the broker stayed unavailable", e);
                }
                sleep(Duration.ofMillis(100));
            }
        }
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            sleep(Duration.ofMillis(20));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What one node's broker delivered, in order. */
    private static final class Sink implements dev.herald.broker.BrokerSink {
        private final List<Published> delivered = new CopyOnWriteArrayList<>();
        private final List<String> changes = new CopyOnWriteArrayList<>();
        private final List<String> classicTexts = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(Published message) {
            delivered.add(message);
        }

        @Override
        public void presence(String room, dev.herald.broker.PresenceChange change) {
            changes.add(room + " " + change);
        }

        @Override
        public void binary(String room, java.nio.ByteBuffer data) {
            changes.add(room + " binary " + data.remaining());
        }

        @Override
        public void classic(String text) {
            classicTexts.add(text);
        }

        @Override
        public String answer(String question) {
            return "heard " + question;
        }

        int size() {
            return delivered.size();
        }

        Published last() {
            return delivered.get(delivered.size() - 1);
        }

        List<String> texts() {
            return delivered.stream().map(p -> p.message().text()).toList();
        }

        List<Long> offsets() {
            return delivered.stream().map(Published::offset).toList();
        }

        void assertConsecutiveFrom(long first) {
            List<Long> offsets = offsets();
            for (int i = 0; i < offsets.size(); i++) {
                assertEquals(first + i, offsets.get(i), "offset at position " + i);
            }
        }
    }
}
