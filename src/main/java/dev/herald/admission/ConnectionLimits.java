package dev.herald.admission;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts open connections, in total and per remote address, against their caps. */
final class ConnectionLimits {

    /** Connections whose runtime does not report an address share this key for the per-address cap. */
    static final String UNKNOWN_ADDRESS = "unknown";

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a slot for {@code address}; {@code false} (and nothing taken) when a cap is reached. */
    boolean tryAcquire(String address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        boolean[] admitted = {false};
        perAddress.compute(key(address), (key, count) -> {
            AtomicInteger current = count == null ? new AtomicInteger() : count;
            admitted[0] = current.get() < maxPerAddress;
            if (admitted[0]) {
                current.incrementAndGet();
            }
            return current.get() == 0 ? null : current;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
        }
        return admitted[0];
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    void release(String address) {
        total.decrementAndGet();
        perAddress.computeIfPresent(key(address), (key, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    int total() {
        return total.get();
    }

    private static String key(String address) {
        return address == null ? UNKNOWN_ADDRESS : address;
    }
}
