package dev.herald.delivery;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivery latencies in fixed buckets, as Prometheus histograms count them: cheap to record from many writer
 * threads at once (one {@link LongAdder} per bucket), read at scrape time.
 */
public final class LatencyHistogram {

    /** Upper bounds of the buckets, in seconds; a last, implicit bucket holds everything above. */
    public static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] BOUND_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUND_NANOS[i] = (long) (BOUNDS[i] * TimeUnit.SECONDS.toNanos(1));
        }
    }

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void observe(long nanos) {
        long value = Math.max(0, nanos);
        int bucket = 0;
        while (bucket < BOUND_NANOS.length && value > BOUND_NANOS[bucket]) {
            bucket++;
        }
        buckets[bucket].increment();
        sumNanos.add(value);
    }

    /** The counts per bucket (not cumulative; the last is above every bound) and the sum, in seconds. */
    public record Snapshot(long[] counts, double sumSeconds) {

        public long count() {
            long total = 0;
            for (long count : counts) {
                total += count;
            }
            return total;
        }
    }

    public Snapshot snapshot() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return new Snapshot(counts, sumNanos.sum() / 1e9);
    }
}
