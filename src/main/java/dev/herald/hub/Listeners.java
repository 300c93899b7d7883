package dev.herald.hub;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registered {@link ServerListener}s and the one thread that calls them. The engine only enqueues: at most
 * {@value #QUEUE_LIMIT} events wait, and past that the newest are dropped (counted, and logged once a minute), so
 * that a listener that blocks can never hold up a delivery or grow the heap without bound. A listener that throws
 * is logged and stays registered. With no listener registered, nothing is enqueued at all.
 */
final class Listeners implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Listeners.class.getName());
    static final int QUEUE_LIMIT = 10_000;
    private static final long DROP_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final List<ServerListener> registered = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;
    private final AtomicLong dropped = new AtomicLong();
    private volatile long lastDropLogged = System.nanoTime() - DROP_LOG_NANOS;

    Listeners(String nodeId) {
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE_LIMIT),
                task -> {
                    Thread listener = new Thread(task, "herald-listeners-" + nodeId);
                    listener.setDaemon(true);
                    return listener;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Registers {@code listener}; closing the result unregisters it. */
    AutoCloseable add(ServerListener listener) {
        registered.add(listener);
        return () -> registered.remove(listener);
    }

    /** {@code true} when someone listens: the engine builds the event only then. */
    boolean active() {
        return !registered.isEmpty();
    }

    void joined(Client client) {
        if (active()) {
            ClientInfo info = client.info();
            dispatch(listener -> listener.clientJoined(info));
        }
    }

    void message(Client client, String text) {
        if (active()) {
            ClientInfo info = client.info();
            dispatch(listener -> listener.messageReceived(info, text));
        }
    }

    void left(Client client, int closeCode) {
        if (active()) {
            ClientInfo info = client.info();
            dispatch(listener -> listener.clientLeft(info, closeCode));
        }
    }

    /** Events dropped because the listeners fell {@value #QUEUE_LIMIT} behind. */
    long dropped() {
        return dropped.get();
    }

    private void dispatch(Consumer<ServerListener> event) {
        try {
            thread.execute(() -> {
                for (ServerListener listener : registered) {
                    try {
                        event.accept(listener);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a server listener (" + listener.getClass().getName() + ") threw; "
                                + "it stays registered", e);
                    }
                }
            });
        } catch (RejectedExecutionException full) {
            long total = dropped.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastDropLogged >= DROP_LOG_NANOS) {
                lastDropLogged = now;
                LOG.warning(() -> "server listeners are " + QUEUE_LIMIT + " events behind: " + total
                        + " events dropped so far (a listener blocks or is too slow)");
            }
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
