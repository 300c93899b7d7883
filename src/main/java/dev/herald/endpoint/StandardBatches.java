package dev.herald.endpoint;

import dev.herald.delivery.Connection.SendCallback;
import dev.herald.delivery.Frame;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Hands a lagging client's waiting frames to the runtime together, through the standard API's batching
 * ({@code setBatchingAllowed}, then {@code flushBatch}), where the runtime is known to take several asynchronous
 * sends at once and to write a batch in one go: Undertow (WildFly). There, every send from a thread that is not
 * the connection's I/O thread is otherwise a task handed to that thread and a write of its own; a batch is one
 * task and one gathering write. Other runtimes either refuse a second send while one is in flight (the
 * specification allows that) or do not batch, so they keep one send at a time.
 *
 * <p>Only the standard API is called; the runtime is recognised by its remote endpoint's class name, and an
 * unknown runtime falls back to one send at a time.
 */
final class StandardBatches {

    private static final Logger LOG = Logger.getLogger(StandardBatches.class.getName());
    /** Undertow's JSR 356 implementation, which queues concurrent sends and batches on an explicit flush. */
    private static final String UNDERTOW = "io.undertow.websockets.jsr.";

    /**
     * The most frames in one batch. Undertow writes a batch with one gathering write of every frame's buffers, and
     * the JDK copies each heap buffer of such a write into a temporary direct buffer, found by a linear search of a
     * per-thread cache: with a 64 KiB batch of small frames (about 900 buffers) that search took three quarters of
     * WildFly's I/O threads in a profile of the benchmark's (a). Measured there, in deliveries per second: 16 frames
     * 766 000, 32 frames 892 000, 64 frames 880 000 to 974 000, 128 frames 671 000, 256 frames 594 000, no limit
     * 458 000 to 471 000.
     */
    static final int MAX_FRAMES = 64;

    /** The remote classes whose write path has been logged: once each, though many sessions open at once. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    /** {@code true} when {@code session}'s runtime takes a batch of sends at once; logged once per runtime. */
    boolean accepts(Session session) {
        String remoteClass = session.getAsyncRemote().getClass().getName();
        boolean accepts = remoteClass.startsWith(UNDERTOW);
        if (accepts && logged.add(remoteClass)) {
            LOG.info(() -> "a lagging client's frames are handed over in batches, through " + remoteClass
                    + ".setBatchingAllowed and flushBatch");
        }
        return accepts;
    }

    /**
     * Sends {@code frames} in order with batching allowed, then flushes them, and reports through {@code done} once:
     * when the last is written, or with the first failure. Batching is switched off again before the flush, so
     * that the runtime's own frames (a pong, a close) never wait for Herald's next batch.
     */
    void send(Session session, List<Frame> frames, SendCallback done) {
        RemoteEndpoint.Async remote = session.getAsyncRemote();
        Completion completion = new Completion(frames.size(), done);
        int sent = 0;
        try {
            remote.setBatchingAllowed(true);
            for (Frame frame : frames) {
                switch (frame.kind()) {
                    case TEXT -> remote.sendText(frame.text(), completion);
                    case BINARY -> remote.sendBinary(frame.binary().duplicate(), completion);
                    default -> throw new IllegalArgumentException("a batch carries text and binary only: " + frame.kind());
                }
                sent++;
            }
        } catch (IOException | RuntimeException e) {
            completion.unsent(frames.size() - sent, e);
        } finally {
            flush(remote, completion);
        }
    }

    private static void flush(RemoteEndpoint.Async remote, Completion completion) {
        try {
            remote.setBatchingAllowed(false);
            remote.flushBatch();
        } catch (IOException | RuntimeException e) {
            completion.flushFailed(e);
        }
    }

    /**
     * Counts the batch's sends down and reports once: with the first failure if any, when the last has ended, or at
     * once when the flush failed (the frames handed over may then never report).
     */
    private static final class Completion implements SendHandler {

        private final AtomicInteger outstanding;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean reported = new AtomicBoolean();
        private final SendCallback done;

        Completion(int frames, SendCallback done) {
            this.outstanding = new AtomicInteger(frames);
            this.done = done;
        }

        @Override
        public void onResult(SendResult result) {
            if (!result.isOK()) {
                failure.compareAndSet(null, result.getException());
            }
            countDown(1);
        }

        /** {@code frames} were never handed over, because of {@code cause}. */
        void unsent(int frames, Throwable cause) {
            failure.compareAndSet(null, cause);
            countDown(frames);
        }

        void flushFailed(Throwable cause) {
            failure.compareAndSet(null, cause);
            report();
        }

        private void countDown(int frames) {
            if (frames > 0 && outstanding.addAndGet(-frames) == 0) {
                report();
            }
        }

        private void report() {
            if (reported.compareAndSet(false, true)) {
                done.completed(failure.get());
            }
        }
    }
}
