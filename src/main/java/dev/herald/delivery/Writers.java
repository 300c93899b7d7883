package dev.herald.delivery;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the queues that a fan-out found idle start writing: on the broadcasting thread itself, or on a few
 * writer threads of the hub's own.
 *
 * <p>The writer threads do two things for a busy server. The thread that received a message goes
 * back to reading as soon as the message is queued for everyone, and while the writers work through one
 * fan-out, the frames of the next ones pile up in the same queues and leave as one batched write per client
 * ({@link OutboundQueue}), not one write per frame. A large fan-out is also split across the threads, so that
 * one message uses every core. When the server is quiet, the hand-off costs a few microseconds.
 *
 * <p>The same holds in a container, whose reading threads would otherwise do every write of a fan-out themselves
 * (measured on Payara Micro: one core of two busy). {@code writer-threads} 0 writes inline, on the thread that
 * queued the frame.
 */
final class Writers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Writers.class.getName());
    /** Below this many queues a fan-out is one task: splitting it would cost more than it saves. */
    static final int MIN_SHARE = 64;
    private static final long CLOSE_WAIT_SECONDS = 2;

    /** {@code null} when writing inline. */
    private final ExecutorService pool;
    private final int threads;

    private Writers(ExecutorService pool, int threads) {
        this.pool = pool;
        this.threads = threads;
    }

    /** Every write starts on the thread that queued the frame. */
    static Writers inline() {
        return new Writers(null, 0);
    }

    /** {@code threads} daemon threads named {@code herald-writer-<node>-<n>}; 0 means inline. */
    static Writers pooled(int threads, String nodeId) {
        if (threads <= 0) {
            return inline();
        }
        AtomicInteger numbers = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "herald-writer-" + nodeId + "-" + numbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new Writers(pool, threads);
    }

    int threads() {
        return threads;
    }

    /** Starts {@code queues}, each of which the caller was told to start ({@link OutboundQueue.Offer#START}). */
    void start(List<OutboundQueue> queues) {
        if (pool == null) {
            pumpAll(queues);
            return;
        }
        int share = Math.max(MIN_SHARE, (queues.size() + threads - 1) / threads);
        for (int from = 0; from < queues.size(); from += share) {
            List<OutboundQueue> part = queues.subList(from, Math.min(queues.size(), from + share));
            try {
                pool.execute(() -> {
                    try {
                        pumpAll(part);
                    } catch (RuntimeException | Error e) {
                        // Every queue of the part had its turn; the writer thread stays for the next fan-out.
                        LOG.log(Level.SEVERE, "a writer thread's pump failed", e);
                    }
                });
            } catch (RejectedExecutionException closed) {
                // The hub has stopped; a frame queued this late (a close, say) is still written.
                pumpAll(part);
            }
        }
    }

    /**
     * Pumps every queue, even when one of them throws (an out-of-memory error, say): the others must not be left
     * with frames that nobody writes. The first failure is rethrown once all have had their turn.
     */
    static void pumpAll(List<OutboundQueue> queues) {
        Throwable first = null;
        for (OutboundQueue queue : queues) {
            try {
                queue.pump();
            } catch (RuntimeException | Error e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
    }

    /** Lets the writes already handed over start, then stops the threads. */
    @Override
    public void close() {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning("writer threads still busy after " + CLOSE_WAIT_SECONDS + " s; stopping them");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            LOG.log(Level.FINE, "interrupted while the writers finished", e);
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
