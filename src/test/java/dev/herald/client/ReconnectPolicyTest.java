package dev.herald.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    @Test
    void theTransientCloseCodesReconnect() {
        for (int code : new int[] {1001, 1006, 1011, 1012, 1013, 4000}) {
            assertTrue(ReconnectPolicy.reconnectsAfter(code), "code " + code);
        }
    }

    @Test
    void normalPolicyAndDataCloseCodesStopAsDoCodesTheProtocolDoesNotName() {
        for (int code : new int[] {1000, 1003, 1008, 1009, 1002, 1007, 1015, 4001, 3000}) {
            assertFalse(ReconnectPolicy.reconnectsAfter(code), "code " + code);
        }
    }

    @Test
    void aRefusedHandshakeStopsOn4xxOnly() {
        assertFalse(ReconnectPolicy.reconnectsAfterRefusal(403));
        assertFalse(ReconnectPolicy.reconnectsAfterRefusal(404));
        assertFalse(ReconnectPolicy.reconnectsAfterRefusal(400));
        assertTrue(ReconnectPolicy.reconnectsAfterRefusal(503));
        assertTrue(ReconnectPolicy.reconnectsAfterRefusal(500));
        assertTrue(ReconnectPolicy.reconnectsAfterRefusal(-1), "no status reported: try again");
    }

    @Test
    void theCeilingDoublesFromOneSecondAndStopsAtTwentySeconds() {
        assertEquals(Duration.ofSeconds(1), ReconnectPolicy.ceiling(1));
        assertEquals(Duration.ofSeconds(2), ReconnectPolicy.ceiling(2));
        assertEquals(Duration.ofSeconds(4), ReconnectPolicy.ceiling(3));
        assertEquals(Duration.ofSeconds(8), ReconnectPolicy.ceiling(4));
        assertEquals(Duration.ofSeconds(16), ReconnectPolicy.ceiling(5));
        assertEquals(Duration.ofSeconds(20), ReconnectPolicy.ceiling(6));
        assertEquals(Duration.ofSeconds(20), ReconnectPolicy.ceiling(1_000_000), "no overflow on long outages");
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.ceiling(0));
    }

    @Test
    void theDelaySpansTheWholeRangeFromTheFloorToTheCeiling() {
        for (int attempt : new int[] {1, 3, 6, 50}) {
            assertEquals(Duration.ofMillis(500), ReconnectPolicy.delay(attempt, () -> 0.0), "attempt " + attempt);
            Duration top = ReconnectPolicy.delay(attempt, () -> Math.nextDown(1.0));
            assertTrue(top.compareTo(ReconnectPolicy.ceiling(attempt)) < 0, attempt + ": " + top);
            assertTrue(top.compareTo(ReconnectPolicy.ceiling(attempt).minusMillis(2)) >= 0, attempt + ": " + top);
            assertEquals(ReconnectPolicy.ceiling(attempt).plusMillis(500).dividedBy(2).toMillis(),
                    ReconnectPolicy.delay(attempt, () -> 0.5).toMillis(), 1, "attempt " + attempt);
        }
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.delay(1, () -> 1.0));
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.delay(1, () -> -0.1));
    }

    @Test
    void jitteredDelaysStayInBoundsAndSpreadOverTheRange() {
        Random random = new Random(42);
        long below = 0;
        long above = 0;
        for (int i = 0; i < 10_000; i++) {
            Duration delay = ReconnectPolicy.delay(6, random::nextDouble);
            assertTrue(delay.compareTo(ReconnectPolicy.FLOOR) >= 0 && delay.compareTo(ReconnectPolicy.CEILING) < 0,
                    delay.toString());
            if (delay.toMillis() < 5_000) {
                below++;
            } else if (delay.toMillis() >= 15_000) {
                above++;
            }
        }
        // Uniform over [0.5 s, 20 s): about 23 % below 5 s and 26 % from 15 s, not bunched at either end.
        assertTrue(below > 1_800 && below < 2_800, "below 5 s: " + below);
        assertTrue(above > 2_100 && above < 3_100, "from 15 s: " + above);
    }
}
