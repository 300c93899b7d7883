package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded soak on a real standalone server: steady publishing to several rooms, long-lived subscribers,
 * connections that come and go, and a few clients that never read. It asserts that healthy clients lose and
 * reorder nothing, that heap after GC stays flat within 10 %, and that threads and file descriptors do not
 * grow. It lasts {@code -Dherald.soak.seconds} (60 in the default build; the {@code soak} profile runs 600).
 */
@Timeout(value = 1_800)
class SoakIT {

    private static final int ROOMS = 4;
    private static final int SUBSCRIBERS_PER_ROOM = 8;
    private static final int STALLED = 3;
    private static final long PUBLISH_EVERY_MILLIS = 50;
    private static final String FILLER = "s".repeat(1_000);

    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong churned = new AtomicLong();

    @Test
    void healthyClientsLoseNothingAndTheServerDoesNotGrow() throws Exception {
        long seconds = Long.getLong("herald.soak.seconds", 60);
        StandaloneServer server = StandaloneFixture.start(Map.of(Setting.QUEUE_BYTES, Integer.toString(256 * 1024)));
        ExecutorService pool = Executors.newCachedThreadPool();
        List<HeraldClient> subscribers = new ArrayList<>();
        List<AtomicLong> progress = new ArrayList<>();
        List<RawWebSocket> stalled = new ArrayList<>();
        try {
            URI base = StandaloneFixture.base(server);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Future<Long>> publishers = new ArrayList<>();
            for (int room = 0; room < ROOMS; room++) {
                URI roomUri = base.resolve("rooms/soak-" + room);
                for (int i = 0; i < SUBSCRIBERS_PER_ROOM; i++) {
                    HeraldClient subscriber = HeraldClient.connect(URI.create(roomUri + "?name=sub" + i));
                    subscribers.add(subscriber);
                    long first = Frames.expect(subscriber, "welcome").getJsonNumber("offset").longValue() + 1;
                    AtomicLong upTo = new AtomicLong(first - 1);
                    progress.add(upTo);
                    pool.submit(() -> follow(subscriber, first, Long.MAX_VALUE, end + TimeUnit.SECONDS.toNanos(30), upTo));
                }
                publishers.add(pool.submit(() -> publish(roomUri, end)));
            }
            for (int i = 0; i < STALLED; i++) {
                stalled.add(RawWebSocket.open(base.resolve("rooms/soak-" + i + "?name=stalled"), null, 4096));
            }
            for (int i = 0; i < ROOMS; i++) {
                pool.submit(() -> churn(base, end));
            }

            // Baseline after a warm-up, when pools and buffers have grown to their working size.
            Thread.sleep(Math.min(TimeUnit.SECONDS.toMillis(seconds) / 5, 20_000));
            Snapshot before = Snapshot.take();
            List<Long> lastOffsets = new ArrayList<>();
            for (Future<Long> publisher : publishers) {
                lastOffsets.add(publisher.get(seconds + 60, TimeUnit.SECONDS));
            }
            awaitDeliveries(progress, lastOffsets);
            Snapshot after = Snapshot.take();

            System.out.printf("soak: %d s, %d rooms, %d subscribers, %d churned connections, %d deliveries checked%n",
                    seconds, ROOMS, subscribers.size(), churned.get(), delivered.get());
            System.out.printf("soak: heap after GC %.1f MiB -> %.1f MiB, threads %d -> %d, fds %d -> %d%n",
                    before.heapMiB(), after.heapMiB(), before.threads, after.threads, before.fds, after.fds);
            System.out.printf("soak: %d connections open at the end (subscribers, stalled clients, last churners)%n",
                    server.hub().connectionCount());

            assertTrue(failures.isEmpty(), "lost or reordered messages: " + failures.stream().limit(10).toList());
            assertTrue(churned.get() > 0, "connections came and went");
            assertTrue(after.heapBytes <= before.heapBytes * 1.10 + 1024 * 1024,
                    "heap after GC grew more than 10 %: " + before.heapMiB() + " -> " + after.heapMiB() + " MiB");
            assertTrue(after.threads <= before.threads + 2, "threads grew: " + before.threads + " -> " + after.threads);
            assertTrue(after.fds <= before.fds + 2, "file descriptors grew: " + before.fds + " -> " + after.fds);
        } finally {
            pool.shutdownNow();
            for (HeraldClient subscriber : subscribers) {
                subscriber.close();
            }
            for (RawWebSocket socket : stalled) {
                socket.close();
            }
            server.close();
        }
        assertEquals(0, server.hub().connectionCount(), "every connection is gone after the stop");
    }

    /** Publishes every {@value #PUBLISH_EVERY_MILLIS} ms until {@code end}; returns the room's last offset. */
    private long publish(URI room, long end) throws Exception {
        long last = 0;
        try (HeraldClient publisher = HeraldClient.connect(URI.create(room + "?name=publisher"))) {
            Frames.expect(publisher, "welcome");
            for (long i = 1; System.nanoTime() < end; i++) {
                publisher.sendText(Frames.publish(i + ":" + FILLER, "p" + i));
                Thread.sleep(PUBLISH_EVERY_MILLIS);
                JsonObject frame;
                while ((frame = poll(publisher, Duration.ZERO)) != null) { // take what arrived, never wait
                    if ("ack".equals(frame.getString("type"))) {
                        last = Math.max(last, frame.getJsonNumber("offset").longValue());
                    }
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                JsonObject frame = poll(publisher, Duration.ofMillis(200));
                if (frame != null && "ack".equals(frame.getString("type"))) {
                    last = Math.max(last, frame.getJsonNumber("offset").longValue());
                }
                if (frame == null) {
                    break;
                }
            }
        }
        return last;
    }

    /** Reads messages and checks their offsets are contiguous from {@code first}, up to {@code last} or a deadline. */
    private long follow(HeraldClient client, long first, long last, long deadline, AtomicLong upTo) {
        long expected = first;
        try {
            while (expected <= last && System.nanoTime() < deadline) {
                JsonObject frame = poll(client, Duration.ofMillis(200));
                if (frame == null || !"message".equals(frame.getString("type"))) {
                    if (!client.isOpen()) {
                        return expected - 1;
                    }
                    continue;
                }
                long offset = frame.getJsonNumber("offset").longValue();
                if (offset != expected) {
                    failures.add(frame.getString("room") + ": expected offset " + expected + " but got " + offset);
                    expected = offset;
                }
                expected++;
                delivered.incrementAndGet();
                upTo.set(offset);
            }
        } catch (Exception e) {
            failures.add("a reader failed: " + e);
        }
        return expected - 1;
    }

    /** Connections that come and go: join a random room, check a few messages arrive in order, leave. */
    private void churn(URI base, long end) {
        while (System.nanoTime() < end) {
            URI room = base.resolve("rooms/soak-" + ThreadLocalRandom.current().nextInt(ROOMS) + "?name=churn");
            try (HeraldClient client = HeraldClient.connect(room)) {
                long first = Frames.expect(client, "welcome").getJsonNumber("offset").longValue() + 1;
                follow(client, first, first + 4, System.nanoTime() + TimeUnit.SECONDS.toNanos(10), new AtomicLong());
                churned.incrementAndGet();
            } catch (Exception e) {
                failures.add("a churning client failed: " + e);
            }
        }
    }

    /** Waits (bounded) until every subscriber has its room's last acknowledged offset. */
    private void awaitDeliveries(List<AtomicLong> progress, List<Long> lastOffsets) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < progress.size(); i++) {
            long last = lastOffsets.get(i / SUBSCRIBERS_PER_ROOM);
            while (progress.get(i).get() < last && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (progress.get(i).get() < last) {
                failures.add("subscriber " + i + " stopped at " + progress.get(i).get() + " of " + last);
            }
        }
    }

    private static JsonObject poll(HeraldClient client, Duration wait) throws InterruptedException {
        var frame = client.next(wait);
        return frame instanceof dev.herald.client.Frame.Text text ? Frames.json(text.text()) : null;
    }

    /** Heap after GC, live threads and open file descriptors of this JVM (server and clients together). */
    private record Snapshot(long heapBytes, int threads, long fds) {

        static Snapshot take() throws IOException, InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long fds;
            try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
                fds = open.count();
            }
            return new Snapshot(heap, Thread.activeCount(), fds);
        }

        double heapMiB() {
            return heapBytes / 1024.0 / 1024.0;
        }
    }
}
