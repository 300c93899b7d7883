package dev.herald.hub;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hub's one background thread: it pings every connection every {@code pingSeconds}, a tenth of them at a time
 * ({@link Hub#pingSlice}), and closes with 1001 {@code idle timeout} those heard nothing from (no pong, no frame)
 * for {@code idleSeconds}. With authentication on, it also closes once a second, with 4001 {@code token expired},
 * those whose token has expired.
 */
final class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    /** How often expired tokens are looked for: a session outlives its token by at most this much. */
    static final long EXPIRY_SWEEP_MILLIS = 1000;
    /** A ping round goes out in this many slices, one every {@code pingSeconds} / {@value}. */
    static final int PING_SLICES = 10;

    private final Hub hub;
    private final long pingMillis;
    private final long idleNanos;
    private final String nodeId;
    private ScheduledExecutorService scheduler;
    /** The next slice of the ping round; the heartbeat thread's own. */
    private int nextSlice;

    Heartbeat(Hub hub, int pingSeconds, int idleSeconds, String nodeId) {
        this.hub = hub;
        this.pingMillis = TimeUnit.SECONDS.toMillis(pingSeconds);
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        this.nodeId = nodeId;
    }

    synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "herald-heartbeat-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
        // The idle sweep runs four times per idle period, so a dead peer goes at most 25 % late.
        long sweepMillis = Math.max(100, TimeUnit.NANOSECONDS.toMillis(idleNanos) / 4);
        long sliceMillis = Math.max(1, pingMillis / PING_SLICES);
        scheduler.scheduleAtFixedRate(guarded(this::pingNextSlice, "ping"), sliceMillis, sliceMillis,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(guarded(() -> hub.closeIdle(idleNanos), "idle sweep"),
                sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        if (hub.settings().auth().enabled()) {
            scheduler.scheduleAtFixedRate(guarded(hub::closeExpired, "token expiry sweep"),
                    EXPIRY_SWEEP_MILLIS, EXPIRY_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    synchronized void stop() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("heartbeat thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
    }

    private void pingNextSlice() {
        int slice = nextSlice;
        nextSlice = (slice + 1) % PING_SLICES;
        hub.pingSlice(slice, PING_SLICES);
    }

    /**
     * A periodic task that throws is never run again; log the failure and keep the schedule alive. Errors too:
     * an out-of-memory error during one ping round must not end the pings and sweeps for good.
     */
    private static Runnable guarded(Runnable task, String name) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "heartbeat " + name + " failed", e);
            }
        };
    }
}
