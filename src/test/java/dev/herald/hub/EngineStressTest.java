package dev.herald.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import dev.herald.delivery.Connection;
import dev.herald.protocol.Closure;
import dev.herald.protocol.Inbound;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A randomized stress of the delivery engine through the hub: members whose sends complete inline, later, fail
 * or throw, on writer threads, in a {@code drop-oldest} room with a small budget, while several publishers publish
 * and others join and leave. After the dust settles: at most one write in flight per connection, no queue left
 * with frames, every surviving member at the room's last offset in the same order, and every gap reported by a
 * {@code dropped} frame before it. The seed is printed; {@code -Dherald.stress.seed=N} replays a run.
 */
@Timeout(120)
class EngineStressTest {

    private enum Mode { INLINE, LATER, FAILS, THROWS }

    /** Members who join and leave at once while the publishers run. */
    private static final int PASSERS = 30;

    /** A member's connection, misbehaving as its mode says; it reports its close to the hub as a container would. */
    private static final class StressConnection implements Connection {
        private final Mode mode;
        private final Random random;
        private final ScheduledExecutorService later;
        private final ExecutorService closer;
        private final List<String> texts = new ArrayList<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger maxInFlight = new AtomicInteger();
        private final AtomicInteger outstanding;
        volatile Hub hub;
        volatile Client client;
        volatile boolean closed;
        volatile Closure closedWith;

        StressConnection(Mode mode, long seed, ScheduledExecutorService later, ExecutorService closer,
                         AtomicInteger outstanding) {
            this.mode = mode;
            this.random = new Random(seed);
            this.later = later;
            this.closer = closer;
            this.outstanding = outstanding;
        }

        @Override
        public String remoteAddress() {
            return "192.0.2.50";
        }

        @Override
        public void sendText(String text, SendCallback done) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            boolean fail;
            synchronized (this) {
                texts.add(text);
                fail = (mode == Mode.FAILS || mode == Mode.THROWS) && random.nextInt(40) == 0;
            }
            if (fail && mode == Mode.THROWS) {
                inFlight.decrementAndGet();
                throw new IllegalStateException("the session is closed");
            }
            Throwable failure = fail ? new IOException("broken pipe") : null;
            if (mode == Mode.LATER) {
                outstanding.incrementAndGet();
                later.schedule(() -> {
                    inFlight.decrementAndGet();
                    done.completed(null);
                    outstanding.decrementAndGet();
                }, random.nextInt(3), TimeUnit.MILLISECONDS);
            } else {
                inFlight.decrementAndGet();
                done.completed(failure);
            }
        }

        @Override
        public void sendBinary(ByteBuffer data, SendCallback done) {
            done.completed(null);
        }

        @Override
        public void sendPing(ByteBuffer payload, SendCallback done) {
            done.completed(null);
        }

        @Override
        public void close(Closure closure) {
            closedWith = closure;
            closed = true;
            outstanding.incrementAndGet();
            closer.execute(() -> { // the container's @OnClose comes later, on another thread
                if (client != null) {
                    hub.disconnected(client, 1006);
                }
                outstanding.decrementAndGet();
            });
        }

        synchronized List<JsonObject> frames() {
            return texts.stream().map(RecordingConnection::parse).toList();
        }
    }

    @Test
    void afterTheDustSettlesEveryInvariantHolds() throws Exception {
        long seed = Long.getLong("herald.stress.seed", System.nanoTime());
        System.out.println("EngineStressTest seed " + seed + " (-Dherald.stress.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        Map<Setting, String> config = Map.of(Setting.DRAIN_SECONDS, "0", Setting.QUEUE_BYTES, "32768",
                Setting.SLOW_CONSUMER_POLICY, "drop-oldest", Setting.RATE_PER_SECOND, "1000000",
                Setting.RATE_BURST, "1000000", Setting.MAX_CONNECTIONS_PER_ADDRESS, "10000",
                Setting.CONNECT_RATE_PER_ADDRESS, "1000000");
        ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
        ExecutorService closer = Executors.newSingleThreadExecutor();
        AtomicInteger outstanding = new AtomicInteger();
        List<StressConnection> members = new ArrayList<>();
        try (Hub hub = Hub.start(SettingsLoader.load(config::get), 2)) {
            for (int i = 0; i < 24; i++) {
                StressConnection connection = new StressConnection(Mode.values()[i % Mode.values().length],
                        random.nextLong(), later, closer, outstanding);
                connection.hub = hub;
                connection.client = hub.joinRoom(connection, "stress", "m" + i, null);
                members.add(connection);
            }
            int publishers = 4;
            int perPublisher = 150;
            List<Client> sources = new ArrayList<>();
            for (int i = 0; i < publishers; i++) {
                sources.add(hub.joinRoom(new StressConnection(Mode.INLINE, random.nextLong(), later, closer,
                        outstanding), "stress", "p" + i, null));
            }
            ExecutorService pool = Executors.newFixedThreadPool(publishers + 1);
            CountDownLatch done = new CountDownLatch(publishers + 1);
            for (Client source : sources) {
                pool.execute(() -> {
                    for (int n = 0; n < perPublisher; n++) {
                        hub.onFrame(source, new Inbound.Publish("x".repeat(64), null, null));
                    }
                    done.countDown();
                });
            }
            long churnSeed = random.nextLong();
            pool.execute(() -> { // joins and leaves while the publishers run
                Random churn = new Random(churnSeed);
                for (int n = 0; n < PASSERS; n++) {
                    StressConnection passer = new StressConnection(Mode.INLINE, churn.nextLong(), later, closer,
                            outstanding);
                    passer.hub = hub;
                    Client client = hub.joinRoom(passer, "stress", "passer", null);
                    hub.disconnected(client, 1006);
                }
                done.countDown();
            });
            assertTrue(done.await(30, TimeUnit.SECONDS), "the publishers finished");
            pool.shutdown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((outstanding.get() > 0 || !queuesEmpty(members)) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10); // polling for quiescence: there is no event for "nothing left"
            }
            long last = (long) publishers * perPublisher;
            int survivors = 0;
            long totalDrops = 0;
            for (StressConnection member : members) {
                assertTrue(member.maxInFlight.get() <= 1, "one write in flight at most (seed " + seed + ")");
                if (member.closed) {
                    continue;
                }
                survivors++;
                assertEquals(0, member.client.queue().queuedBytes(), "no queue left with frames (seed " + seed + ")");
                long previous = 0;
                long missing = 0;
                long reported = 0;
                long passersSeen = 0;
                for (JsonObject frame : member.frames()) {
                    String type = frame.getString("type");
                    if (("joined".equals(type) || "left".equals(type))
                            && "passer".equals(frame.getJsonObject("member").getString("name"))) {
                        passersSeen++;
                    } else if ("error".equals(type) && "dropped".equals(frame.getString("code"))) {
                        reported += frame.getJsonNumber("count").longValue();
                    } else if ("message".equals(type)) {
                        long offset = frame.getJsonNumber("offset").longValue();
                        assertTrue(offset > previous, "offsets in order (seed " + seed + ")");
                        missing += offset - previous - 1;
                        assertTrue(missing <= reported, "a gap before its dropped report (seed " + seed + ")");
                        previous = offset;
                    }
                }
                assertEquals(last, previous, "a surviving member ends at the room's last offset (seed " + seed + ")");
                assertEquals(missing, reported, "every drop reported, once (seed " + seed + ")");
                totalDrops += reported;
                assertEquals(2 * PASSERS, passersSeen, "no joined or left frame is ever dropped (seed " + seed + ")");
            }
            assertTrue(survivors >= 12, "the inline and later members survive: " + survivors + " "
                    + members.stream().map(m -> m.mode + ":" + m.closedWith).toList());
            System.out.println("EngineStressTest: " + survivors + " of " + members.size() + " members survived, "
                    + totalDrops + " messages dropped and reported");
        } finally {
            later.shutdownNow();
            closer.shutdownNow();
        }
    }

    private static boolean queuesEmpty(List<StressConnection> members) {
        return members.stream().allMatch(m -> m.closed || m.client.queue().queuedBytes() == 0);
    }
}
