package dev.herald.admission;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket per connection: {@code ratePerSecond} tokens a second, at most {@code burst} saved up.
 *
 * <p>A client is abusive ({@link Verdict#ABUSE}, answered with close 1008) when refused frames keep coming
 * for {@code abuseSeconds}, never more than {@link #ABUSE_GAP_NANOS} apart. The frames a flooder gets
 * through as tokens trickle back do not end the streak; a pause of a second does.
 *
 * <p>Frames that the runtime answers by itself ({@link #admitAnswered}: a WebSocket ping, whose pong is queued by
 * the transport, outside Herald's outbound budget) get no such grace: once a streak has refused more of them than the
 * burst, the client is abusive at once, so that the replies a flood leaves queued stay bounded by about twice the
 * burst instead of by whatever the client sends in {@code abuseSeconds}.
 */
public final class RateLimiter {

    public enum Verdict { ALLOW, LIMITED, ABUSE }

    static final long ABUSE_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final double ratePerNano;
    private final double burst;
    private final long abuseNanos;
    private double tokens;
    private long refilledAt;
    /** Start of the current streak of refused frames, or -1 when there is none. */
    private long limitedSince = -1;
    private long lastLimitedAt;
    /** Self-answered frames refused in the current streak. */
    private long refusedAnswered;

    public RateLimiter(int ratePerSecond, int burst, int abuseSeconds, long nowNanos) {
        this.ratePerNano = (double) ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.abuseNanos = TimeUnit.SECONDS.toNanos(abuseSeconds);
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    public synchronized Verdict admit(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - refilledAt) * ratePerNano);
        refilledAt = nowNanos;
        if (limitedSince >= 0 && nowNanos - lastLimitedAt > ABUSE_GAP_NANOS) {
            limitedSince = -1; // the client paused: the streak is over
            refusedAnswered = 0;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ALLOW;
        }
        if (limitedSince < 0) {
            limitedSince = nowNanos;
        }
        lastLimitedAt = nowNanos;
        return nowNanos - limitedSince >= abuseNanos ? Verdict.ABUSE : Verdict.LIMITED;
    }

    /** As {@link #admit}, for a frame whose reply the runtime queues by itself (a ping): see the class comment. */
    public synchronized Verdict admitAnswered(long nowNanos) {
        Verdict verdict = admit(nowNanos);
        if (verdict == Verdict.LIMITED && ++refusedAnswered > burst) {
            return Verdict.ABUSE;
        }
        return verdict;
    }
}
