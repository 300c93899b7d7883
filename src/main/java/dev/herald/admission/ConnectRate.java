package dev.herald.admission;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast each remote address may open connections: a token bucket per address, {@code perSecond} new connections a
 * second, at most {@code burst} at once. It stops connection churn (join, leave, join…), whose {@code joined} and
 * {@code left} frames would otherwise flood every member of a room. Every attempt counts, admitted or not.
 *
 * <p>A full bucket is the same as none, so buckets that have refilled are forgotten (checked every
 * {@value #SWEEP_EVERY} attempts): the map holds only the addresses that connected in the last few seconds.
 */
final class ConnectRate {

    static final int SWEEP_EVERY = 4096;

    /**
     * The credit left at {@code at} (nanoTime), in nanoseconds of refill: a connection costs {@link #cost}. Whole
     * numbers, so that many small refills add up exactly.
     */
    private record Bucket(long credit, long at) {
    }

    private final long cost;
    private final long capacity;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong attempts = new AtomicLong();

    ConnectRate(int perSecond, int burst) {
        this.cost = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.capacity = cost * burst;
    }

    /** {@code true} if {@code address} may open one more connection now; the attempt is counted either way. */
    boolean tryConnect(String address, long nowNanos) {
        boolean[] allowed = {false};
        buckets.compute(address == null ? ConnectionLimits.UNKNOWN_ADDRESS : address, (key, bucket) -> {
            long credit = refilled(bucket, nowNanos);
            allowed[0] = credit >= cost;
            return new Bucket(allowed[0] ? credit - cost : credit, nowNanos);
        });
        if (attempts.incrementAndGet() % SWEEP_EVERY == 0) {
            buckets.entrySet().removeIf(entry -> refilled(entry.getValue(), nowNanos) >= capacity);
        }
        return allowed[0];
    }

    /** Addresses tracked now (for the tests). */
    int tracked() {
        return buckets.size();
    }

    private long refilled(Bucket bucket, long nowNanos) {
        return bucket == null ? capacity : Math.min(capacity, bucket.credit() + Math.max(0, nowNanos - bucket.at()));
    }
}
