package dev.herald.hub;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket per connection: {@code ratePerSecond} tokens a second, at most {@code burst} saved up.
 * A client that stays over the limit for {@code abuseSeconds} without one frame getting through is told
 * {@link Verdict#ABUSE}, which the endpoint answers with close 1008.
 */
final class RateLimiter {

    enum Verdict { ALLOW, LIMITED, ABUSE }

    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final double ratePerNano;
    private final double burst;
    private final long abuseNanos;
    private double tokens;
    private long refilledAt;
    /** Start of the current run of refused frames, or -1 when the last frame got through. */
    private long limitedSince = -1;

    RateLimiter(int ratePerSecond, int burst, int abuseSeconds, long nowNanos) {
        this.ratePerNano = (double) ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.abuseNanos = TimeUnit.SECONDS.toNanos(abuseSeconds);
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    synchronized Verdict admit(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - refilledAt) * ratePerNano);
        refilledAt = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            limitedSince = -1;
            return Verdict.ALLOW;
        }
        if (limitedSince < 0) {
            limitedSince = nowNanos;
        }
        return nowNanos - limitedSince >= abuseNanos ? Verdict.ABUSE : Verdict.LIMITED;
    }
}
