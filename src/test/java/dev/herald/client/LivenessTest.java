package dev.herald.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void silencePingsEveryHalfHeartbeatAndIsDeadAfterHeartbeatPlusTenSeconds() {
        Liveness liveness = new Liveness(Duration.ofSeconds(20));
        long heard = 1_000 * SECOND;
        assertEquals(Liveness.Verdict.ALIVE, liveness.check(heard + 9 * SECOND, heard));
        assertEquals(Liveness.Verdict.PING, liveness.check(heard + 10 * SECOND, heard));
        assertEquals(Liveness.Verdict.ALIVE, liveness.check(heard + 11 * SECOND, heard), "one ping per half heartbeat");
        assertEquals(Liveness.Verdict.PING, liveness.check(heard + 20 * SECOND, heard));
        assertEquals(Liveness.Verdict.PING, liveness.check(heard + 30 * SECOND, heard), "at the deadline itself: not dead yet");
        assertEquals(Liveness.Verdict.DEAD, liveness.check(heard + 30 * SECOND + 1, heard));
    }

    @Test
    void somethingHeardKeepsTheConnectionAlive() {
        Liveness liveness = new Liveness(Duration.ofSeconds(20));
        long heard = 0;
        for (long now = 0; now < 200 * SECOND; now += SECOND) {
            if (liveness.check(now, heard) == Liveness.Verdict.PING) {
                heard = now + SECOND / 10; // the pong comes back
            }
            assertEquals(true, liveness.check(now, heard) != Liveness.Verdict.DEAD, "at " + now / SECOND + " s");
        }
    }

    @Test
    void theWelcomesHeartbeatReplacesTheDefault() {
        Liveness liveness = new Liveness(Liveness.DEFAULT_HEARTBEAT);
        assertEquals(Duration.ofSeconds(35), liveness.deadline());
        liveness.heartbeat(Duration.ofSeconds(2));
        assertEquals(Duration.ofSeconds(12), liveness.deadline());
        assertEquals(Liveness.Verdict.DEAD, liveness.check(13 * SECOND, 0));
    }
}
