package dev.herald.broker;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The memory broker's once-only keys ({@link Broker#claim}): each claimed key holds {@link Broker#PENDING}, then its
 * request's answer, until it expires. Expired keys are forgotten when claimed again and by the broker's sweep.
 */
final class Claims {

    private record Entry(String answer, long expiresNanos) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    Optional<String> claim(String key, long ttlMillis, long nowNanos) {
        Entry mine = new Entry(Broker.PENDING, nowNanos + TimeUnit.MILLISECONDS.toNanos(ttlMillis));
        Entry held = entries.compute(key, (k, current) ->
                current == null || current.expiresNanos() - nowNanos <= 0 ? mine : current);
        return held == mine ? Optional.empty() : Optional.of(held.answer());
    }

    void settle(String key, String answer) {
        if (answer == null) {
            entries.remove(key);
        } else {
            entries.computeIfPresent(key, (k, current) -> new Entry(answer, current.expiresNanos()));
        }
    }

    void sweep(long nowNanos) {
        entries.values().removeIf(entry -> entry.expiresNanos() - nowNanos <= 0);
    }
}
