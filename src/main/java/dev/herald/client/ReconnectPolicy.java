package dev.herald.client;

import java.time.Duration;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * When to reconnect and how long to wait first (protocol section 6): the close codes worth another try, and
 * exponential backoff with full jitter between {@link #FLOOR} and {@link #CEILING}.
 */
public final class ReconnectPolicy {

    /** The shortest wait before a reconnect, so that a crowd of clients never comes back in the same instant. */
    public static final Duration FLOOR = Duration.ofMillis(500);
    /** The longest wait before a reconnect. */
    public static final Duration CEILING = Duration.ofSeconds(20);

    /** Going away or idle timeout, dropped, internal error, service restart, try again later, slow consumer. */
    private static final Set<Integer> TRANSIENT = Set.of(1001, 1006, 1011, 1012, 1013, 4000);

    private ReconnectPolicy() {
    }

    /**
     * True when a connection that ended with {@code code} should be tried again. Normal close (1000), unsupported
     * data (1003), policy (1008), too big (1009), token expired (4001: the options still hold the expired token) and
     * every code the protocol does not name stop: trying again would only repeat them.
     */
    public static boolean reconnectsAfter(int code) {
        return TRANSIENT.contains(code);
    }

    /**
     * True when a reconnect whose handshake was answered with HTTP {@code status} should be tried again: a 4xx
     * (forbidden origin, no such endpoint) will not change by itself; a 5xx or no status at all may.
     */
    public static boolean reconnectsAfterRefusal(int status) {
        return status < 400 || status >= 500;
    }

    /**
     * The upper bound of the wait before reconnect number {@code attempt} (1 for the first): 0.5 s doubled per
     * attempt (1 s, 2 s, 4 s, …), never above {@link #CEILING}.
     */
    public static Duration ceiling(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        // 2^6 · 0.5 s is already above the ceiling; capping the exponent keeps the shift from overflowing.
        long millis = FLOOR.toMillis() << Math.min(attempt, 6);
        return Duration.ofMillis(Math.min(millis, CEILING.toMillis()));
    }

    /**
     * The wait before reconnect number {@code attempt}: full jitter, uniform over [{@link #FLOOR},
     * {@link #ceiling(int)}), so that clients cut at the same moment spread out instead of returning together.
     *
     * @param random a source of uniform values in [0, 1), for example {@code ThreadLocalRandom.current()::nextDouble}
     */
    public static Duration delay(int attempt, DoubleSupplier random) {
        double unit = random.getAsDouble();
        if (!(unit >= 0 && unit < 1)) {
            throw new IllegalArgumentException("random values must be in [0, 1): " + unit);
        }
        long floor = FLOOR.toMillis();
        long spread = ceiling(attempt).toMillis() - floor;
        return Duration.ofMillis(floor + (long) (unit * spread));
    }
}
