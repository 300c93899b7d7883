package dev.herald.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How sessions are closed. JSR 356 lets {@link Session#close(CloseReason)} block, and Open Liberty's does: it waits
 * until the write in progress on that session completes, which for a client that stopped reading is when it reads
 * again or the write times out. Measured on Liberty 26.0.0.3: the close of a slow consumer, called on the
 * publisher's read thread, held that thread for seconds while its frames piled up, and its next publishes were
 * refused as over the rate. In a container, closes therefore run on threads of Herald's own: a close may wait
 * there, and nothing else waits for it. Standalone (Tyrus, whose close does not wait) closes inline.
 */
final class SessionCloser implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SessionCloser.class.getName());
    private static final long STOP_WAIT_SECONDS = 2;
    /**
     * The most closes that wait at once; later ones wait in line. On Liberty a slow consumer's close holds its thread
     * until the runtime's write times out (30 s to a minute, measured), so without a bound a crowd of clients that
     * stop reading, hostile or not, would each take a thread of their own. Herald has already forgotten a client it
     * closes (its queue is closed and its room told), so a close that waits in line only keeps the socket a little
     * longer.
     */
    static final int MAX_THREADS = 64;
    private static final long IDLE_SECONDS = 60;

    /** {@code null} when closing inline. */
    private final ExecutorService pool;

    private SessionCloser(ExecutorService pool) {
        this.pool = pool;
    }

    /** Closes on the calling thread. */
    static SessionCloser inline() {
        return new SessionCloser(null);
    }

    /**
     * Closes on daemon threads named {@code herald-closer-<n>}: one per close waiting at once (each waits at most
     * until the runtime's write timeout), up to {@link #MAX_THREADS}, idle ones ending after a minute.
     */
    static SessionCloser threads() {
        return threads(MAX_THREADS);
    }

    /** As {@link #threads()}, with at most {@code maxThreads} closes waiting at once. */
    static SessionCloser threads(int maxThreads) {
        AtomicInteger numbers = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "herald-closer-" + numbers.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return new SessionCloser(pool);
    }

    void close(Session session, CloseReason reason) {
        if (pool != null) {
            try {
                pool.execute(() -> closeNow(session, reason));
                return;
            } catch (RejectedExecutionException stopped) {
                // Herald is stopping: close on this thread, as the runtime is about to close everything anyway.
            }
        }
        closeNow(session, reason);
    }

    private static void closeNow(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            // The peer is already gone; the container reports the end through @OnClose either way.
            LOG.log(Level.FINE, "close " + reason + " failed for session " + session.getId(), e);
        }
    }

    /** Lets the closes already handed over finish for a moment, then interrupts those still waiting. */
    @Override
    public void close() {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.fine("closes still waiting on the runtime after " + STOP_WAIT_SECONDS + " s: interrupted");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
