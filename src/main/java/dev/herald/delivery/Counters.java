package dev.herald.delivery;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fan-out engine's running totals, read by {@code /metrics} at scrape time: cheap to bump from many threads at
 * once.
 */
public final class Counters {

    private final LongAdder deliveries = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final LongAdder slowDisconnects = new LongAdder();
    private final LongAccumulator queueHighWater = new LongAccumulator(Math::max, 0);
    private final LatencyHistogram latency = new LatencyHistogram();

    /** A consistent-enough copy of the totals. */
    public record Snapshot(long deliveries, long bytesOut, long drops, long slowDisconnects, long queueHighWaterBytes,
                           LatencyHistogram.Snapshot latency) {
    }

    /** {@code frames} frames of {@code bytes} bytes in all were written (one write may carry several). */
    void delivered(long frames, long bytes) {
        deliveries.add(frames);
        bytesOut.add(bytes);
    }

    void dropped(long frames) {
        drops.add(frames);
    }

    /** From a message's fan-out to the end of the write that carried it, one observation per write. */
    public LatencyHistogram latency() {
        return latency;
    }

    public void slowDisconnect() {
        slowDisconnects.increment();
    }

    /** A queue's high-water mark, reported when it closes; open queues are read by {@code Hub.counters()}. */
    void queued(long queueBytes) {
        queueHighWater.accumulate(queueBytes);
    }

    /**
     * The totals with the high-water mark of closed queues only. Open queues keep their own marks, so the full
     * view is {@code Hub.counters()}; this one is for the queue's own tests.
     */
    Snapshot snapshot() {
        return snapshot(0);
    }

    /** The totals, with {@code openQueuesHighWater}, the highest mark among queues still open, counted in. */
    public Snapshot snapshot(long openQueuesHighWater) {
        return new Snapshot(deliveries.sum(), bytesOut.sum(), drops.sum(), slowDisconnects.sum(),
                Math.max(queueHighWater.get(), openQueuesHighWater), latency.snapshot());
    }
}
