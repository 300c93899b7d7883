package dev.herald.standalone;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ConnectionProbe;

/**
 * Counts the listener's open TCP connections, so that shutdown can wait until drained clients have read their
 * last frames and closed. Why: Grizzly's own graceful shutdown treats upgraded WebSocket connections as idle
 * HTTP connections and closes them at once, dropping frames still in its write queue.
 */
final class OpenConnections extends ConnectionProbe.Adapter {

    private static final long POLL_MILLIS = 20;

    private final Set<Connection<?>> open = ConcurrentHashMap.newKeySet();

    @Override
    public void onAcceptEvent(Connection serverConnection, Connection clientConnection) {
        open.add(clientConnection);
    }

    @Override
    public void onCloseEvent(Connection connection) {
        open.remove(connection);
    }

    int count() {
        return open.size();
    }

    /** Waits until no connection is open or {@code deadlineNanos} (a {@link System#nanoTime()} value) passes. */
    void awaitNone(long deadlineNanos) throws InterruptedException {
        while (!open.isEmpty() && System.nanoTime() < deadlineNanos) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }
}
