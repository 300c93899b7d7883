package dev.herald.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.SlowConsumerPolicy;
import dev.herald.protocol.Closure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Checks the per-connection outbound queue: one write in flight, FIFO order, the byte budget and closing. */
class OutboundQueueTest {

    /**
     * A connection that records what is sent. Callbacks are held for the test to complete, or completed
     * inside {@code send} while {@link #inline} is set.
     */
    private static class RecordingConnection implements Connection {

        final List<String> sent = new ArrayList<>();
        final ArrayDeque<SendCallback> pending = new ArrayDeque<>();
        boolean inline;
        int inFlight;
        int maxInFlight;

        @Override
        public String remoteAddress() {
            return "192.0.2.1";
        }

        @Override
        public synchronized void sendText(String text, SendCallback done) {
            record("text:" + text, done);
        }

        @Override
        public synchronized void sendBinary(ByteBuffer data, SendCallback done) {
            record("binary:" + StandardCharsets.UTF_8.decode(data), done);
        }

        @Override
        public synchronized void sendPing(ByteBuffer payload, SendCallback done) {
            record("ping", done);
        }

        @Override
        public void close(Closure closure) {
            throw new AssertionError("the queue never closes the connection itself");
        }

        void record(String what, SendCallback done) {
            sent.add(what);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            if (inline) {
                inFlight--;
                done.completed(null);
            } else {
                pending.add(done);
            }
        }

        /** Completes the oldest pending write (outside this object's lock, as a container would). */
        void completeNext(Throwable failure) {
            SendCallback done;
            synchronized (this) {
                done = pending.poll();
                inFlight--;
            }
            if (done == null) {
                throw new AssertionError("no write in flight");
            }
            done.completed(failure);
        }

        synchronized List<String> sent() {
            return new ArrayList<>(sent);
        }
    }

    private final RecordingConnection connection = new RecordingConnection();

    /** Offers {@code frame} and, as the hub does, pumps when told to. */
    private static OutboundQueue.Offer offer(OutboundQueue queue, Frame frame) {
        OutboundQueue.Offer offer = queue.enqueue(frame);
        if (offer == OutboundQueue.Offer.START) {
            queue.pump();
        }
        return offer;
    }

    @Test
    void firstFrameStartsAndIsSentOnPump() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        assertEquals(OutboundQueue.Offer.START, queue.enqueue(Frame.text("a")));
        assertEquals(List.of(), connection.sent(), "nothing is sent before pump()");
        queue.pump();
        assertEquals(List.of("text:a"), connection.sent());
    }

    @Test
    void exactlyOneWriteInFlight() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        assertEquals(OutboundQueue.Offer.START, offer(queue, Frame.text("a")));
        assertEquals(OutboundQueue.Offer.QUEUED, offer(queue, Frame.text("b")));
        assertEquals(OutboundQueue.Offer.QUEUED, offer(queue, Frame.text("c")));
        assertEquals(List.of("text:a"), connection.sent(), "b waits for a's callback");

        connection.completeNext(null);
        assertEquals(List.of("text:a", "text:b"), connection.sent());
        connection.completeNext(null);
        assertEquals(List.of("text:a", "text:b", "text:c"), connection.sent());
        connection.completeNext(null);
        assertEquals(1, connection.maxInFlight);
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void idleQueueStartsAgainAfterDraining() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        offer(queue, Frame.text("a"));
        connection.completeNext(null);
        assertEquals(OutboundQueue.Offer.START, offer(queue, Frame.text("b")), "a drained queue is idle again");
        assertEquals(List.of("text:a", "text:b"), connection.sent());
    }

    @Test
    void framesAreSentInFifoOrder() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000_000);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            offer(queue, Frame.text("m" + i));
            expected.add("text:m" + i);
        }
        offer(queue, Frame.binary(ByteBuffer.wrap("bin".getBytes(StandardCharsets.UTF_8))));
        expected.add("binary:bin");
        offer(queue, Frame.ping(java.nio.ByteBuffer.allocate(0)));
        expected.add("ping");
        while (!connection.pending.isEmpty()) {
            connection.completeNext(null);
        }
        assertEquals(expected, connection.sent());
        assertEquals(1, connection.maxInFlight);
    }

    @Test
    void budgetCountsQueuedAndInFlightBytes() {
        OutboundQueue queue = new OutboundQueue(connection, 10);
        offer(queue, Frame.text("12345"));          // in flight: 5
        assertEquals(5, queue.queuedBytes());
        offer(queue, Frame.text("\u20ac"));         // queued: 3 bytes of UTF-8
        assertEquals(8, queue.queuedBytes());
        assertEquals(OutboundQueue.Offer.QUEUED, offer(queue, Frame.text("12")), "exactly at the budget fits");
        assertEquals(10, queue.queuedBytes());
        connection.completeNext(null);
        assertEquals(5, queue.queuedBytes(), "a completed write gives its bytes back");
    }

    @Test
    void frameOverTheBudgetOverflowsAndClosesTheQueue() {
        OutboundQueue queue = new OutboundQueue(connection, 10);
        offer(queue, Frame.text("123456"));
        assertEquals(OutboundQueue.Offer.OVERFLOW, offer(queue, Frame.text("12345")));
        assertEquals(OutboundQueue.Offer.CLOSED, offer(queue, Frame.text("1")), "an overflowed queue is closed");
        assertEquals(6, queue.queuedBytes(), "only the frame being written is still counted");
        connection.completeNext(null);
        assertEquals(0, queue.queuedBytes());
        assertEquals(List.of("text:123456"), connection.sent(), "nothing more is written after overflow");
    }

    @Test
    void singleFrameLargerThanTheBudgetOverflowsAnEmptyQueue() {
        OutboundQueue queue = new OutboundQueue(connection, 10);
        assertEquals(OutboundQueue.Offer.OVERFLOW, offer(queue, Frame.text("12345678901")));
        assertEquals(List.of(), connection.sent());
        assertEquals(OutboundQueue.Offer.CLOSED, offer(queue, Frame.text("1")));
    }

    @Test
    void closedQueueRefusesAndForgetsFrames() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        queue.close();
        assertEquals(1, queue.queuedBytes(), "a, being written, until its write ends");
        assertEquals(OutboundQueue.Offer.CLOSED, offer(queue, Frame.text("c")));
        connection.completeNext(null); // the write in flight ends after close
        assertEquals(List.of("text:a"), connection.sent(), "b was forgotten");
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void closeBeforeFirstPumpSendsNothing() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        assertEquals(OutboundQueue.Offer.START, queue.enqueue(Frame.text("a")));
        queue.close();
        queue.pump();
        assertEquals(List.of(), connection.sent());
    }

    @Test
    void failedWriteClosesTheQueue() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        connection.completeNext(new IOException("broken pipe"));
        assertEquals(List.of("text:a"), connection.sent(), "b is not written after a failure");
        assertEquals(0, queue.queuedBytes());
        assertEquals(OutboundQueue.Offer.CLOSED, offer(queue, Frame.text("c")));
        assertTrue(connection.pending.isEmpty());
    }

    @Test
    void failedInlineWriteClosesTheQueue() {
        Connection failing = new RecordingConnection() {
            @Override
            public synchronized void sendText(String text, SendCallback done) {
                sent.add(text);
                done.completed(new IOException("reset"));
            }
        };
        OutboundQueue queue = new OutboundQueue(failing, 1_000);
        assertEquals(OutboundQueue.Offer.START, queue.enqueue(Frame.text("a")));
        assertEquals(OutboundQueue.Offer.QUEUED, queue.enqueue(Frame.text("b")));
        queue.pump();
        assertEquals(List.of("a"), ((RecordingConnection) failing).sent());
        assertEquals(OutboundQueue.Offer.CLOSED, queue.enqueue(Frame.text("c")));
    }

    @Test
    void inlineCompletionsDoNotRecurse() {
        connection.inline = true;
        int frames = 100_000;
        OutboundQueue queue = new OutboundQueue(connection, Long.MAX_VALUE);
        assertEquals(OutboundQueue.Offer.START, queue.enqueue(Frame.text("0")));
        for (int i = 1; i < frames; i++) {
            assertEquals(OutboundQueue.Offer.QUEUED, queue.enqueue(Frame.text(Integer.toString(i))));
        }
        queue.pump(); // a recursive pump would throw StackOverflowError here
        List<String> sent = connection.sent();
        assertEquals(frames, sent.size());
        for (int i = 0; i < frames; i++) {
            assertEquals("text:" + i, sent.get(i));
        }
        assertEquals(0, queue.queuedBytes());
        assertEquals(1, connection.maxInFlight);
    }

    @Test
    void inlineCompletionsStartedFromACallbackDoNotRecurse() {
        int frames = 100_000;
        OutboundQueue queue = new OutboundQueue(connection, Long.MAX_VALUE);
        offer(queue, Frame.text("first"));             // held: its callback is completed below
        for (int i = 0; i < frames; i++) {
            queue.enqueue(Frame.text("x"));
        }
        connection.inline = true;
        connection.completeNext(null);                 // the callback drains 100 000 inline writes
        assertEquals(frames + 1, connection.sent().size());
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void highWaterBytesRemembersThePeak() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        assertEquals(0, queue.highWaterBytes());
        offer(queue, Frame.text("x".repeat(10)));
        offer(queue, Frame.text("x".repeat(20)));
        offer(queue, Frame.text("x".repeat(30)));
        assertEquals(60, queue.highWaterBytes());
        while (!connection.pending.isEmpty()) {
            connection.completeNext(null);
        }
        assertEquals(0, queue.queuedBytes());
        assertEquals(60, queue.highWaterBytes(), "the peak survives draining");
        offer(queue, Frame.text("x".repeat(5)));
        assertEquals(60, queue.highWaterBytes());
    }

    @Test
    void highWaterBytesIgnoresARefusedFrame() {
        OutboundQueue queue = new OutboundQueue(connection, 100);
        offer(queue, Frame.text("x".repeat(40)));
        offer(queue, Frame.text("x".repeat(70)));
        assertEquals(40, queue.highWaterBytes());
    }

    @Test
    void concurrentProducersNeverHaveTwoWritesInFlight() throws Exception {
        int producers = 4;
        int perProducer = 2_000;
        ExecutorService completer = Executors.newSingleThreadExecutor();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch allSent = new CountDownLatch(producers * perProducer);
        List<String> written = new ArrayList<>();
        Connection async = new RecordingConnection() {
            @Override
            public void sendText(String text, SendCallback done) {
                peak.accumulateAndGet(active.incrementAndGet(), Math::max);
                synchronized (written) {
                    written.add(text);
                }
                completer.execute(() -> {
                    active.decrementAndGet();
                    done.completed(null);
                    allSent.countDown();
                });
            }
        };
        OutboundQueue queue = new OutboundQueue(async, Long.MAX_VALUE);
        Object orderingLock = new Object();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    OutboundQueue.Offer offer;
                    synchronized (orderingLock) { // as a room's lock orders its frames
                        offer = queue.enqueue(Frame.text(producer + ":" + i));
                    }
                    if (offer == OutboundQueue.Offer.START) {
                        queue.pump();
                    }
                }
            }));
        }
        try {
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertTrue(allSent.await(10, TimeUnit.SECONDS), "every frame is written");
        } finally {
            completer.shutdownNow();
        }
        assertEquals(1, peak.get());
        assertEquals(producers * perProducer, written.size());
        int[] next = new int[producers];
        for (String text : written) {
            String[] parts = text.split(":");
            int producer = Integer.parseInt(parts[0]);
            assertEquals(next[producer]++, Integer.parseInt(parts[1]), "FIFO per producer");
        }
        assertEquals(0, queue.queuedBytes());
    }
    // ---- slow-consumer policies ---------------------------------------------------------------------

    private OutboundQueue policyQueue(SlowConsumerPolicy policy, Counters counters) {
        return new OutboundQueue(connection, 30, policy, dropped -> Frame.text("dropped:" + dropped), counters);
    }

    @Test
    void dropOldestKeepsTheClientAndReportsTheGapBeforeTheNextFrame() {
        Counters counters = new Counters();
        OutboundQueue queue = policyQueue(SlowConsumerPolicy.DROP_OLDEST, counters);
        offer(queue, Frame.message("0123456789", null)); // in flight, never dropped
        offer(queue, Frame.message("1111111111", null));
        offer(queue, Frame.message("2222222222", null));
        assertEquals(OutboundQueue.Offer.QUEUED, offer(queue, Frame.message("3333333333", null)), "room is made, no overflow");
        connection.completeNext(null);
        connection.completeNext(null);
        connection.completeNext(null);
        assertEquals(List.of("text:0123456789", "text:dropped:1", "text:2222222222", "text:3333333333"),
                connection.sent());
        assertEquals(1, counters.snapshot().drops());
    }

    @Test
    void conflateKeepsOnlyTheNewestQueuedMessagePerKeyInOrder() {
        Counters counters = new Counters();
        OutboundQueue queue = policyQueue(SlowConsumerPolicy.CONFLATE, counters);
        offer(queue, Frame.message("a1", "a")); // in flight: never replaced
        offer(queue, Frame.message("b1", "b"));
        offer(queue, Frame.message("a2", "a"));
        offer(queue, Frame.message("b2", "b"));
        offer(queue, Frame.message("a3", "a"));
        while (!connection.pending.isEmpty()) {
            connection.completeNext(null);
        }
        assertEquals(List.of("text:a1", "text:dropped:2", "text:b2", "text:a3"), connection.sent());
        assertEquals(2, counters.snapshot().drops());
    }

    @Test
    void disconnectPolicyCountsDeliveriesAndHighWater() {
        Counters counters = new Counters();
        OutboundQueue queue = new OutboundQueue(connection, 100, SlowConsumerPolicy.DISCONNECT, null, counters);
        connection.inline = true;
        offer(queue, Frame.text("hello"));
        offer(queue, Frame.text("world!"));
        Counters.Snapshot totals = counters.snapshot();
        assertEquals(2, totals.deliveries());
        assertEquals(11, totals.bytesOut());
        assertEquals(0, totals.queueHighWaterBytes(), "an open queue keeps its mark (the hub reads it)");
        assertEquals(6, queue.highWaterBytes());
        queue.close();
        assertEquals(6, counters.snapshot().queueHighWaterBytes(), "a closed queue hands its mark over");
    }

    @Test
    void aFrameLargerThanTheWholeBudgetIsTheOneDropped() {
        OutboundQueue queue = policyQueue(SlowConsumerPolicy.DROP_OLDEST, new Counters());
        offer(queue, Frame.message("x".repeat(31), null));
        assertEquals(List.of("text:dropped:1"), connection.sent());
    }

    @Test
    void aConnectionThatThrowsClosesTheQueueInsteadOfFailingThePump() {
        Connection throwing = new RecordingConnection() {
            @Override
            public synchronized void sendText(String text, SendCallback done) {
                throw new IllegalStateException("The connection has been closed.");
            }
        };
        OutboundQueue queue = new OutboundQueue(throwing, 1_000);
        assertEquals(OutboundQueue.Offer.START, queue.enqueue(Frame.text("a")));
        queue.pump(); // must not throw
        assertEquals(OutboundQueue.Offer.CLOSED, queue.enqueue(Frame.text("b")));
    }

    @Test
    void anOutOfMemoryErrorInASendClosesTheQueueBeforeItPropagates() {
        Connection exhausted = new RecordingConnection() {
            @Override
            public synchronized void sendText(String text, SendCallback done) {
                throw new OutOfMemoryError("simulated: no memory for a batch buffer");
            }
        };
        OutboundQueue queue = new OutboundQueue(exhausted, 1_000);
        AtomicInteger failures = new AtomicInteger();
        queue.onWriteFailure(failures::incrementAndGet);
        assertEquals(OutboundQueue.Offer.START, queue.enqueue(Frame.text("a")));
        assertThrows(OutOfMemoryError.class, queue::pump, "a VirtualMachineError is not swallowed");
        assertEquals(OutboundQueue.Offer.CLOSED, queue.enqueue(Frame.text("b")), "the queue is not left writing");
        assertEquals(1, failures.get(), "its owner is told, to close the connection");
    }

    @Test
    void aFailedWriteTellsTheOwnerOnce() {
        OutboundQueue queue = new OutboundQueue(connection, 1_000);
        AtomicInteger failures = new AtomicInteger();
        queue.onWriteFailure(failures::incrementAndGet);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        connection.completeNext(new IOException("broken pipe"));
        assertEquals(1, failures.get());
        assertEquals(OutboundQueue.Offer.CLOSED, offer(queue, Frame.text("c")));
        assertEquals(List.of("text:a"), connection.sent(), "nothing more is written after a failure");
    }

    @Test
    void framesInFlightWhenTheQueueClosesAreCountedOnceWritten() {
        Counters counters = new Counters();
        OutboundQueue queue = new OutboundQueue(connection, 1_000, SlowConsumerPolicy.DISCONNECT, null, counters);
        offer(queue, Frame.text("hello"));
        offer(queue, Frame.text("never"));
        queue.close();
        connection.completeNext(null); // hello was on the wire when the queue closed
        assertEquals(1, counters.snapshot().deliveries());
        assertEquals(5, counters.snapshot().bytesOut());
    }

    @Test
    void thePoliciesNeverDropAProtocolFrame() {
        Counters counters = new Counters();
        OutboundQueue queue = policyQueue(SlowConsumerPolicy.DROP_OLDEST, counters);
        offer(queue, Frame.message("0000000000", null));   // in flight
        offer(queue, Frame.text("welcome"));                // a protocol frame: 7 bytes
        offer(queue, Frame.message("1111111111", null));
        offer(queue, Frame.message("2222222222", null));    // over 30: message 1 goes, the welcome stays
        while (!connection.pending.isEmpty()) {
            connection.completeNext(null);
        }
        assertEquals(List.of("text:0000000000", "text:dropped:1", "text:welcome", "text:2222222222"), connection.sent());
        assertEquals(1, counters.snapshot().drops());
    }

    @Test
    void aProtocolFrameThatCannotFitEvenWithoutMessagesOverflows() {
        OutboundQueue queue = policyQueue(SlowConsumerPolicy.CONFLATE, new Counters());
        offer(queue, Frame.text("0000000000"));   // in flight
        offer(queue, Frame.text("1111111111"));   // protocol frames: never dropped
        assertEquals(OutboundQueue.Offer.OVERFLOW, offer(queue, Frame.text("2222222222x")),
                "no message left to drop: the client is past saving");
    }

    @Test
    void dropsJustBeforeADrainAreReportedBeforeTheClose() {
        OutboundQueue queue = policyQueue(SlowConsumerPolicy.DROP_OLDEST, new Counters());
        offer(queue, Frame.message("0000000000", null));   // in flight
        offer(queue, Frame.message("1111111111", null));
        offer(queue, Frame.message("2222222222", null));
        offer(queue, Frame.message("3333333333", null));   // message 1 is dropped
        assertEquals(OutboundQueue.Offer.QUEUED, queue.enqueueClose(Frame.close(Closure.SERVICE_RESTART)));
        connection.inline = true;
        connection.completeNext(null);
        assertEquals(List.of("text:0000000000", "text:dropped:1", "text:2222222222", "text:3333333333"),
                connection.sent(), "the report goes out before the close, with the messages it explains");
    }

    // ---- pre-framed, batched writes --------------------------------------------------------------------

    /**
     * A connection that writes pre-framed bytes: each {@code sendWire} is recorded as the list of frames it
     * carried, decoded from the bytes (payloads up to 64 KiB, as RFC 6455 §5.2 frames them).
     */
    private static final class WireConnection extends RecordingConnection {

        final List<List<String>> writes = new ArrayList<>();
        /** The backing array of each write, or {@code null} for a frame's own (read-only, shared) bytes. */
        final List<byte[]> arrays = new ArrayList<>();

        @Override
        public boolean writesWireFrames() {
            return true;
        }

        @Override
        public synchronized void sendWire(ByteBuffer frames, SendCallback done) {
            List<String> decoded = new ArrayList<>();
            while (frames.hasRemaining()) {
                int first = frames.get() & 0xFF;
                int length = frames.get() & 0x7F;
                if (length == 126) {
                    length = frames.getShort() & 0xFFFF;
                } else if (length == 127) {
                    length = Math.toIntExact(frames.getLong());
                }
                byte[] payload = new byte[length];
                frames.get(payload);
                String kind = first == 0x81 ? "text:" : first == 0x82 ? "binary:" : "opcode " + first + ":";
                decoded.add(kind + (length > 16 ? length + " bytes" : new String(payload, StandardCharsets.UTF_8)));
            }
            writes.add(decoded);
            arrays.add(frames.isReadOnly() ? null : frames.array());
            record("wire", done);
        }
    }

    @Test
    void framesWaitingBehindAWriteGoOutTogetherAsOneWrite() {
        WireConnection wire = new WireConnection();
        OutboundQueue queue = new OutboundQueue(wire, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        offer(queue, Frame.binary(ByteBuffer.wrap("c".getBytes(StandardCharsets.UTF_8))));
        offer(queue, Frame.text("d"));
        assertEquals(List.of(List.of("text:a")), wire.writes, "the first frame goes at once, alone");
        assertEquals(4, queue.queuedBytes());

        wire.completeNext(null);
        assertEquals(List.of(List.of("text:a"), List.of("text:b", "binary:c", "text:d")), wire.writes);
        assertEquals(3, queue.queuedBytes(), "a batch in flight still counts against the budget");
        wire.completeNext(null);
        assertEquals(0, queue.queuedBytes());
        assertEquals(1, wire.maxInFlight, "a batch is one write: still one in flight");
        assertEquals(List.of(), wire.sent().stream().filter(s -> !s.equals("wire")).toList(), "no per-frame send");
    }

    @Test
    void aPingIsWrittenPreFramedButAloneAndABatchStopsAtTheBatchSize() {
        WireConnection wire = new WireConnection();
        OutboundQueue queue = new OutboundQueue(wire, 1_000_000);
        String big = "x".repeat(OutboundQueue.BATCH_BYTES / 2);
        offer(queue, Frame.text("first"));
        offer(queue, Frame.text("a"));
        offer(queue, Frame.ping(ByteBuffer.wrap("round".getBytes(StandardCharsets.UTF_8))));
        offer(queue, Frame.text(big));
        offer(queue, Frame.text(big));
        offer(queue, Frame.text("b"));
        while (!wire.pending.isEmpty()) {
            wire.completeNext(null);
        }
        int half = big.length();
        assertEquals(List.of(List.of("text:first"), List.of("text:a"), List.of("opcode 137:round"),
                List.of("text:" + half + " bytes"), List.of("text:" + half + " bytes", "text:b")), wire.writes,
                "the ping splits the batch, in a write of its own; two halves plus headers exceed the batch size");
        assertEquals(List.of("wire", "wire", "wire", "wire", "wire"), wire.sent(), "no sendPing");
    }

    @Test
    void dropOldestNeverDropsFramesOfTheBatchInFlight() {
        WireConnection wire = new WireConnection();
        Counters counters = new Counters();
        OutboundQueue queue = new OutboundQueue(wire, 30, SlowConsumerPolicy.DROP_OLDEST,
                dropped -> Frame.text("dropped:" + dropped), counters);
        offer(queue, Frame.message("0000000000", null));
        offer(queue, Frame.message("1111111111", null));
        wire.completeNext(null);                  // 1 is now in flight, as a batch of one
        offer(queue, Frame.message("2222222222", null));
        offer(queue, Frame.message("3333333333", null));   // fits exactly: 30
        offer(queue, Frame.message("4444444444", null));   // 2 is dropped, not 1, which is being written
        while (!wire.pending.isEmpty()) {
            wire.completeNext(null);
        }
        assertEquals(List.of(List.of("text:0000000000"), List.of("text:1111111111"),
                List.of("text:dropped:1", "text:3333333333", "text:4444444444")), wire.writes);
        assertEquals(1, counters.snapshot().drops());
        assertEquals(5, counters.snapshot().deliveries(), "0, 1, the drop report, 3 and 4");
    }

    @Test
    void aFailedBatchClosesTheQueue() {
        WireConnection wire = new WireConnection();
        OutboundQueue queue = new OutboundQueue(wire, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        offer(queue, Frame.text("c"));
        wire.completeNext(null);
        wire.completeNext(new IOException("reset"));
        assertEquals(OutboundQueue.Offer.CLOSED, queue.enqueue(Frame.text("d")));
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void aBatchWrittenAtOnceLeavesItsBufferForTheNextBatch() {
        WireConnection wire = new WireConnection();
        OutboundQueue queue = new OutboundQueue(wire, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        offer(queue, Frame.text("c"));
        wire.inline = true;
        wire.completeNext(null);                  // [b, c] goes, and completes inside the send
        wire.inline = false;
        offer(queue, Frame.text("d"));
        offer(queue, Frame.text("e"));
        offer(queue, Frame.text("f"));
        wire.inline = true;
        wire.completeNext(null);                  // [e, f] goes in the same buffer
        assertEquals(List.of(List.of("text:a"), List.of("text:b", "text:c"), List.of("text:d"),
                List.of("text:e", "text:f")), wire.writes);
        assertTrue(wire.arrays.get(1) != null && wire.arrays.get(1) == wire.arrays.get(3), "the buffer was reused");
        assertEquals(null, wire.arrays.get(0), "a single frame is written from its shared bytes, uncopied");
    }

    @Test
    void aBatchStillBeingWrittenKeepsItsBuffer() {
        WireConnection wire = new WireConnection();
        OutboundQueue queue = new OutboundQueue(wire, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        offer(queue, Frame.text("c"));
        wire.completeNext(null);                  // [b, c] goes and stays in flight
        offer(queue, Frame.text("d"));
        offer(queue, Frame.text("e"));
        byte[] inFlight = wire.arrays.get(1).clone();
        wire.completeNext(null);                  // [d, e] needs another buffer
        assertTrue(wire.arrays.get(1) != wire.arrays.get(2), "a buffer the transport may still hold is not reused");
        assertArrayEquals(inFlight, wire.arrays.get(1), "the bytes of the write in flight were not touched");
    }
    /** A transport that takes a batch of frames in one call (WildFly's, through the standard API's batching). */
    private static final class BatchConnection extends RecordingConnection {

        final List<List<String>> batches = new ArrayList<>();
        /** The list each batch arrived in. */
        final List<List<Frame>> lists = new ArrayList<>();

        int maxBatchFrames = Integer.MAX_VALUE;

        @Override
        public boolean writesBatches() {
            return true;
        }

        @Override
        public int maxBatchFrames() {
            return maxBatchFrames;
        }

        @Override
        public synchronized void sendBatch(List<Frame> frames, SendCallback done) {
            lists.add(frames);
            batches.add(frames.stream().map(f -> (f.kind() == Frame.Kind.TEXT ? "text:" + f.text()
                    : "binary:" + StandardCharsets.UTF_8.decode(f.binary().duplicate()))).toList());
            record("batch", done);
        }
    }

    @Test
    void framesWaitingBehindASendGoToABatchingTransportInOneCall() {
        BatchConnection batching = new BatchConnection();
        OutboundQueue queue = new OutboundQueue(batching, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        offer(queue, Frame.binary(ByteBuffer.wrap("c".getBytes(StandardCharsets.UTF_8))));
        offer(queue, Frame.ping(ByteBuffer.allocate(0)));
        offer(queue, Frame.text("d"));
        assertEquals(List.of(List.of("text:a")), batching.batches, "the first frame goes at once, alone");
        batching.completeNext(null);
        assertEquals(List.of(List.of("text:a"), List.of("text:b", "binary:c")), batching.batches,
                "the ping ends the batch");
        assertEquals(2 + 16 + 1, queue.queuedBytes(), "the batch in flight and the frames behind it count");
        batching.completeNext(null);
        batching.completeNext(null);
        assertEquals(List.of("batch", "batch", "ping", "batch"), batching.sent());
        assertEquals(List.of("text:d"), batching.batches.get(2));
        batching.completeNext(null);
        assertEquals(0, queue.queuedBytes());
        assertEquals(1, batching.maxInFlight, "a batch is one send in flight");
    }

    @Test
    void aBatchStopsAtTheTransportsMostFrames() {
        BatchConnection batching = new BatchConnection();
        batching.maxBatchFrames = 2;
        OutboundQueue queue = new OutboundQueue(batching, 1_000);
        for (String text : List.of("a", "b", "c", "d", "e", "f")) {
            offer(queue, Frame.text(text));
        }
        while (!batching.pending.isEmpty()) {
            batching.completeNext(null);
        }
        assertEquals(List.of(List.of("text:a"), List.of("text:b", "text:c"), List.of("text:d", "text:e"),
                List.of("text:f")), batching.batches);
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void aBatchingTransportKeepsItsListWhileTheQueueGathersTheNext() {
        BatchConnection batching = new BatchConnection();
        OutboundQueue queue = new OutboundQueue(batching, 1_000);
        offer(queue, Frame.text("a"));
        offer(queue, Frame.text("b"));
        offer(queue, Frame.text("c"));
        batching.completeNext(null);              // [b, c] goes and stays in flight
        List<Frame> inFlight = batching.lists.get(1);
        offer(queue, Frame.text("d"));
        offer(queue, Frame.text("e"));
        batching.completeNext(null);              // [d, e] is gathered while [b, c] may still be read
        assertEquals(List.of("b", "c"), inFlight.stream().map(Frame::text).toList());
        assertEquals(List.of("text:d", "text:e"), batching.batches.get(2));
    }

    @Test
    void aFailedBatchClosesTheQueueOfABatchingTransport() {
        BatchConnection batching = new BatchConnection();
        Counters counters = new Counters();
        OutboundQueue queue = new OutboundQueue(batching, 1_000, SlowConsumerPolicy.DISCONNECT, null, counters);
        offer(queue, Frame.message("a", null));
        offer(queue, Frame.message("b", null));
        offer(queue, Frame.message("c", null));
        batching.completeNext(null);
        batching.completeNext(new IOException("reset"));
        assertEquals(OutboundQueue.Offer.CLOSED, queue.enqueue(Frame.text("d")));
        assertEquals(0, queue.queuedBytes());
        assertEquals(1, counters.snapshot().deliveries(), "only the frame written before the failure counts");
    }
}
