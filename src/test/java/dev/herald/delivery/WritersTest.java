package dev.herald.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.protocol.Closure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks where queued frames start being written: inline, or shared out among the hub's writer threads. */
class WritersTest {

    /** Completes every send at once and remembers which thread wrote to which connection. */
    private static class ThreadRecordingConnection implements Connection {

        private final Set<String> writerThreads;
        private final CountDownLatch written;

        ThreadRecordingConnection(Set<String> writerThreads, CountDownLatch written) {
            this.writerThreads = writerThreads;
            this.written = written;
        }

        @Override
        public String remoteAddress() {
            return "192.0.2.7";
        }

        @Override
        public void sendText(String text, SendCallback done) {
            writerThreads.add(Thread.currentThread().getName());
            written.countDown();
            done.completed(null);
        }

        @Override
        public void sendBinary(ByteBuffer data, SendCallback done) {
            throw new AssertionError("not used");
        }

        @Override
        public void sendPing(ByteBuffer payload, SendCallback done) {
            throw new AssertionError("not used");
        }

        @Override
        public void close(Closure closure) {
        }
    }

    private static List<OutboundQueue> startedQueues(int count, Set<String> threads, CountDownLatch written) {
        List<OutboundQueue> queues = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            OutboundQueue queue = new OutboundQueue(new ThreadRecordingConnection(threads, written), 1_000);
            assertEquals(OutboundQueue.Offer.START, queue.enqueue(Frame.text("m")));
            queues.add(queue);
        }
        return queues;
    }

    @Test
    void inlineWritesOnTheCallersThread() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch written = new CountDownLatch(10);
        Writers.inline().start(startedQueues(10, threads, written));
        assertEquals(0, written.getCount());
        assertEquals(Set.of(Thread.currentThread().getName()), threads);
    }

    @Test
    void aLargeFanOutIsSharedAmongTheWriterThreads() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch written = new CountDownLatch(500);
        try (Writers writers = Writers.pooled(2, "t")) {
            writers.start(startedQueues(500, threads, written));
            assertTrue(written.await(10, TimeUnit.SECONDS), "every queue was written");
        }
        assertFalse(threads.contains(Thread.currentThread().getName()), "the caller did not write");
        assertEquals(Set.of("herald-writer-t-1", "herald-writer-t-2"), threads, "two shares of 250, one per thread");
    }

    @Test
    void aSmallFanOutIsOneTask() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch written = new CountDownLatch(Writers.MIN_SHARE);
        try (Writers writers = Writers.pooled(2, "s")) {
            writers.start(startedQueues(Writers.MIN_SHARE, threads, written));
            assertTrue(written.await(10, TimeUnit.SECONDS));
        }
        assertEquals(1, threads.size(), "one share: " + threads);
    }

    @Test
    void afterCloseWritesStillHappenInline() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch written = new CountDownLatch(3);
        Writers writers = Writers.pooled(1, "c");
        writers.close();
        writers.start(startedQueues(3, threads, written));
        assertEquals(0, written.getCount(), "a close frame queued during shutdown is not lost");
        assertEquals(Set.of(Thread.currentThread().getName()), threads);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("herald-writer-c")),
                "the writer threads have stopped");
    }

    @Test
    void oneQueueThatThrowsDoesNotLeaveTheOthersUnwritten() {
        Connection exhausted = new ThreadRecordingConnection(ConcurrentHashMap.newKeySet(), new CountDownLatch(1)) {
            @Override
            public void sendText(String text, SendCallback done) {
                throw new OutOfMemoryError("simulated");
            }
        };
        CountDownLatch written = new CountDownLatch(1);
        OutboundQueue failing = new OutboundQueue(exhausted, 1_000);
        OutboundQueue healthy = new OutboundQueue(
                new ThreadRecordingConnection(ConcurrentHashMap.newKeySet(), written), 1_000);
        failing.enqueue(Frame.text("a"));
        healthy.enqueue(Frame.text("b"));
        assertThrows(OutOfMemoryError.class, () -> Writers.inline().start(List.of(failing, healthy)));
        assertEquals(0, written.getCount(), "the queue after the failing one was still written");
    }
}
