package dev.herald.hub;

import dev.herald.protocol.Closure;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Graceful shutdown: closes every connection with 1012 {@code service restart} after the frames already
 * queued for it, in batches spread over the first half of the time allowed, so that clients do not all
 * reconnect elsewhere at the same instant. Connections still open when the time is up (clients that stopped
 * reading) are closed at once.
 */
final class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());
    static final long BATCH_PAUSE_MILLIS = 50;
    /** Small drains go in one batch: spreading a handful of closes buys nothing. */
    static final int MIN_BATCH = 100;
    private static final long POLL_MILLIS = 20;

    private final Hub hub;
    private final long budgetNanos;

    Drain(Hub hub, long budgetNanos) {
        this.hub = hub;
        this.budgetNanos = budgetNanos;
    }

    void run(List<Client> clients) {
        long deadline = System.nanoTime() + budgetNanos;
        long batches = Math.max(1, TimeUnit.NANOSECONDS.toMillis(budgetNanos) / 2 / BATCH_PAUSE_MILLIS);
        int batchSize = (int) Math.max(MIN_BATCH, (clients.size() + batches - 1) / batches);
        LOG.info(() -> "draining " + clients.size() + " connections in batches of " + batchSize);
        try {
            for (int start = 0; start < clients.size(); start += batchSize) {
                for (Client client : clients.subList(start, Math.min(clients.size(), start + batchSize))) {
                    hub.closeAfterPending(client, Closure.SERVICE_RESTART);
                }
                if (start + batchSize < clients.size()) {
                    Thread.sleep(BATCH_PAUSE_MILLIS);
                }
            }
            // A join admitted just before the drain began may have registered after the snapshot: close it too,
            // after its pending frames (those already closing are left as they are).
            for (Client late : hub.openClients()) {
                hub.closeAfterPending(late, Closure.SERVICE_RESTART);
            }
            while (hub.hasConnections() && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hub.closeRemaining(Closure.SERVICE_RESTART);
    }
}
