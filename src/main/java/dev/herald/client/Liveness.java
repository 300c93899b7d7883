package dev.herald.client;

import java.time.Duration;

/**
 * Decides from the time anything was last heard when to ping the server and when to give a silent connection up
 * as dead: after {@code heartbeatSeconds} + 10 s of silence (protocol section 6). Times are
 * {@link System#nanoTime()} values, passed in so that the rule can be tested without a clock.
 */
final class Liveness {

    /** What to do about the connection now. */
    enum Verdict { ALIVE, PING, DEAD }

    /** The server's heartbeat when it announces none (the classic endpoint has no welcome). */
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(25);
    /** The slack above the heartbeat before silence means a dead connection. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private long pingAfter;
    private long deadAfter;
    private long lastPing = Long.MIN_VALUE;

    Liveness(Duration heartbeat) {
        heartbeat(heartbeat);
    }

    /** Adopts the server's heartbeat, from a {@code welcome}'s {@code heartbeatSeconds}. */
    void heartbeat(Duration heartbeat) {
        // Ping after half a heartbeat of silence, so that two pings fit before the deadline even on a quiet room.
        pingAfter = Math.max(heartbeat.toNanos() / 2, Duration.ofMillis(500).toNanos());
        deadAfter = heartbeat.plus(GRACE).toNanos();
    }

    /**
     * The verdict at {@code now}, when the last frame or pong arrived at {@code lastHeard}: PING at most once per
     * half heartbeat while silent, DEAD once silence passes the heartbeat plus {@link #GRACE}.
     */
    Verdict check(long now, long lastHeard) {
        long silence = now - lastHeard;
        if (silence > deadAfter) {
            return Verdict.DEAD;
        }
        if (silence >= pingAfter && (lastPing == Long.MIN_VALUE || now - lastPing >= pingAfter)) {
            lastPing = now;
            return Verdict.PING;
        }
        return Verdict.ALIVE;
    }

    /** How long silence lasts before the connection counts as dead. */
    Duration deadline() {
        return Duration.ofNanos(deadAfter);
    }
}
