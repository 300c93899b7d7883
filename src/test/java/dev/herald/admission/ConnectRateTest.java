package dev.herald.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-address connect rate: a burst, then the refill rate, per address, and forgetting refilled buckets. */
class ConnectRateTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aBurstThenTheRatePerAddress() {
        ConnectRate rate = new ConnectRate(2, 4);
        for (int i = 0; i < 4; i++) {
            assertTrue(rate.tryConnect("192.0.2.1", 0), "within the burst: " + i);
        }
        assertFalse(rate.tryConnect("192.0.2.1", 0), "the burst is spent");
        assertTrue(rate.tryConnect("192.0.2.2", 0), "another address has its own bucket");
        assertFalse(rate.tryConnect("192.0.2.1", SECOND / 4), "half a token back");
        assertTrue(rate.tryConnect("192.0.2.1", SECOND / 2), "one token a half-second");
        assertFalse(rate.tryConnect("192.0.2.1", SECOND / 2));
    }

    @Test
    void refusedAttemptsDoNotBuildCredit() {
        ConnectRate rate = new ConnectRate(1, 1);
        assertTrue(rate.tryConnect("a", 0));
        for (int i = 1; i < 10; i++) {
            assertFalse(rate.tryConnect("a", i * SECOND / 10));
        }
        assertTrue(rate.tryConnect("a", SECOND), "a full second after the last admitted one");
    }

    @Test
    void refilledBucketsAreForgotten() {
        ConnectRate rate = new ConnectRate(10, 20);
        for (int i = 0; i < ConnectRate.SWEEP_EVERY - 1; i++) {
            rate.tryConnect("192.0.2." + (i % 200), 0);
        }
        assertEquals(200, rate.tracked());
        rate.tryConnect("198.51.100.1", 10 * SECOND); // the sweep runs on this attempt: every bucket has refilled
        assertEquals(1, rate.tracked(), "only the address that has just connected");
    }

    @Test
    void anUnknownAddressSharesOneBucket() {
        ConnectRate rate = new ConnectRate(1, 1);
        assertTrue(rate.tryConnect(null, 0));
        assertFalse(rate.tryConnect(null, 0));
    }
}
