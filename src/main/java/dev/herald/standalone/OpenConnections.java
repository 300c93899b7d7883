package dev.herald.standalone;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ConnectionProbe;

/**
 * The listener's open TCP connections, with three jobs.
 *
 * <p>Shutdown waits until drained clients have read their last frames and closed: Grizzly's own graceful
 * shutdown treats upgraded WebSocket connections as idle HTTP connections and would close them at once,
 * dropping frames still in its write queue.
 *
 * <p>A handshake deadline: a connection that has not completed its WebSocket upgrade within
 * {@code handshake-seconds} (a half-sent request, a silent socket) is closed, so that such sockets cannot pile
 * up. They are not sessions yet, so the hub's connection caps do not see them.
 *
 * <p>A ceiling ({@link DescriptorCeiling#tcpConnections}): a connection accepted while that many are open is closed at
 * once, without an answer, so that the process never runs out of file descriptors. The first such refusal is logged,
 * then at most one line a minute with the count, however many come.
 */
final class OpenConnections extends ConnectionProbe.Adapter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OpenConnections.class.getName());
    private static final long POLL_MILLIS = 20;
    private static final long REFUSAL_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<Connection<?>, Long> acceptedAt = new ConcurrentHashMap<>();
    private final long handshakeNanos;
    private final long ceiling;
    private final ScheduledExecutorService sweeper;
    private final AtomicLong refused = new AtomicLong();
    private volatile long refusalLoggedAt;

    /** @param ceiling the most connections open at once; {@link Long#MAX_VALUE} for none */
    OpenConnections(int handshakeSeconds, long ceiling) {
        this.handshakeNanos = TimeUnit.SECONDS.toNanos(handshakeSeconds);
        this.ceiling = ceiling;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "herald-handshake-deadline");
            thread.setDaemon(true);
            return thread;
        });
        long periodMillis = Math.max(100, TimeUnit.SECONDS.toMillis(handshakeSeconds) / 4);
        sweeper.scheduleAtFixedRate(this::closeLateHandshakes, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onAcceptEvent(Connection serverConnection, Connection clientConnection) {
        if (acceptedAt.size() >= ceiling) {
            clientConnection.closeSilently();
            refusedAtCeiling();
            return;
        }
        acceptedAt.put(clientConnection, System.nanoTime());
    }

    private void refusedAtCeiling() {
        long total = refused.incrementAndGet();
        long now = System.nanoTime();
        if (total == 1 || now - refusalLoggedAt >= REFUSAL_LOG_NANOS) {
            refusalLoggedAt = now;
            LOG.warning(() -> "connections refused at the ceiling of " + ceiling + " open (the open-files limit):"
                    + " " + total + " so far; logged at most once a minute");
        }
    }


    @Override
    public void onCloseEvent(Connection connection) {
        acceptedAt.remove(connection);
    }

    int count() {
        return acceptedAt.size();
    }

    /** Waits until no connection is open or {@code deadlineNanos} (a {@link System#nanoTime()} value) passes. */
    void awaitNone(long deadlineNanos) throws InterruptedException {
        while (!acceptedAt.isEmpty() && System.nanoTime() < deadlineNanos) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    private void closeLateHandshakes() {
        long now = System.nanoTime();
        acceptedAt.forEach((connection, accepted) -> {
            if (now - accepted > handshakeNanos && connection.getAttributes().getAttribute(UpgradedReads.TYRUS_CONNECTION) == null) {
                LOG.log(Level.FINE, "closing {0}: no WebSocket handshake within the deadline", connection.getPeerAddress());
                acceptedAt.remove(connection);
                connection.closeSilently();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
