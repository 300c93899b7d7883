package dev.herald.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoomTouchTest {

    /** Ten touches in a room's lifetime (history-seconds), between every second and every 30 s. */
    @ParameterizedTest
    @CsvSource({
            "300000, 30000",   // the default history-seconds: every 30 s, not every 5 s
            "60000, 6000",
            "8000, 1000",      // a short history still gets a touch well within its lifetime
            "1000, 1000",
            "604800000, 30000"})
    void touchesTenTimesInARoomsLifetimeWithinOneToThirtySeconds(long historyMillis, long touchMillis) {
        assertEquals(touchMillis, RoomTouch.periodMillis(historyMillis));
    }
}
