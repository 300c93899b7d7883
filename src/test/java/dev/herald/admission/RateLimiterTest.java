package dev.herald.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.admission.RateLimiter.Verdict;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks the per-connection token bucket with explicit clock values: burst, refill, limiting and abuse. */
class RateLimiterTest {

    private static final long START = 1_000_000_000_000L; // an arbitrary nanoTime origin
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    /** The protocol.md §4 defaults: 20 per second, bursts of 40, 3 seconds over the limit is abuse. */
    private static RateLimiter defaults() {
        return new RateLimiter(20, 40, 3, START);
    }

    private static void exhaustBurst(RateLimiter limiter, int burst, long now) {
        for (int i = 0; i < burst; i++) {
            assertEquals(Verdict.ALLOW, limiter.admit(now), "burst frame " + (i + 1));
        }
    }

    @Test
    void burstIsAllowedAtOnceThenLimited() {
        RateLimiter limiter = defaults();
        exhaustBurst(limiter, 40, START);
        assertEquals(Verdict.LIMITED, limiter.admit(START));
        assertEquals(Verdict.LIMITED, limiter.admit(START));
    }

    @Test
    void bucketStartsFull() {
        RateLimiter limiter = new RateLimiter(1, 3, 3, START);
        exhaustBurst(limiter, 3, START + 1);
        assertEquals(Verdict.LIMITED, limiter.admit(START + 2));
    }

    @Test
    void refillsAtTheConfiguredRate() {
        RateLimiter limiter = defaults();
        exhaustBurst(limiter, 40, START);
        // 20 per second: one token every 50 ms.
        assertEquals(Verdict.LIMITED, limiter.admit(START + 49 * MILLI));
        assertEquals(Verdict.ALLOW, limiter.admit(START + 51 * MILLI));
        assertEquals(Verdict.LIMITED, limiter.admit(START + 52 * MILLI));
        assertEquals(Verdict.ALLOW, limiter.admit(START + 102 * MILLI));
    }

    @Test
    void refillAccumulatesUpToTheBurstOnly() {
        RateLimiter limiter = defaults();
        exhaustBurst(limiter, 40, START);
        long later = START + 60 * SECOND; // long enough for 1200 tokens, capped at 40
        exhaustBurst(limiter, 40, later);
        assertEquals(Verdict.LIMITED, limiter.admit(later));
    }

    @Test
    void partialRefillAllowsOnlyWhatAccrued() {
        RateLimiter limiter = defaults();
        exhaustBurst(limiter, 40, START);
        long later = START + 501 * MILLI; // 10 tokens (and a little)
        exhaustBurst(limiter, 10, later);
        assertEquals(Verdict.LIMITED, limiter.admit(later));
    }

    @Test
    void sustainedRateWithinTheLimitIsAlwaysAllowed() {
        RateLimiter limiter = defaults();
        for (int i = 0; i < 1_000; i++) {
            assertEquals(Verdict.ALLOW, limiter.admit(START + i * 50 * MILLI), "frame " + i);
        }
    }

    @Test
    void abuseClockCountsFromTheFirstRefusal() {
        // A rate of 0 never refills, which isolates the abuse clock from the refill.
        RateLimiter limiter = new RateLimiter(0, 2, 3, START);
        exhaustBurst(limiter, 2, START);
        long firstRefusal = START + SECOND;
        for (long t = firstRefusal; t < firstRefusal + 3 * SECOND; t += 100 * MILLI) {
            assertEquals(Verdict.LIMITED, limiter.admit(t), "at +" + (t - firstRefusal) / MILLI + " ms");
        }
        assertEquals(Verdict.LIMITED, limiter.admit(firstRefusal + 3 * SECOND - 1));
        assertEquals(Verdict.ABUSE, limiter.admit(firstRefusal + 3 * SECOND));
        assertEquals(Verdict.ABUSE, limiter.admit(firstRefusal + 3 * SECOND + 100 * MILLI));
    }

    @Test
    void abuseClockStartsAtTheFirstRefusalNotAtCreation() {
        RateLimiter limiter = new RateLimiter(0, 1, 3, START);
        assertEquals(Verdict.ALLOW, limiter.admit(START + 10 * SECOND));
        for (long t = START + 20 * SECOND; t < START + 23 * SECOND; t += 500 * MILLI) {
            assertEquals(Verdict.LIMITED, limiter.admit(t));
        }
        assertEquals(Verdict.ABUSE, limiter.admit(START + 23 * SECOND));
    }

    @Test
    void refusalsUpToTheGapApartKeepTheStreak() {
        long gap = RateLimiter.ABUSE_GAP_NANOS;
        RateLimiter limiter = new RateLimiter(0, 1, 3, START);
        limiter.admit(START);
        long t = START + 1;
        long first = t;
        while (t - first < 3 * SECOND) {
            assertEquals(Verdict.LIMITED, limiter.admit(t));
            t += Math.min(gap, first + 3 * SECOND - t);
        }
        assertEquals(Verdict.ABUSE, limiter.admit(first + 3 * SECOND));
    }

    @Test
    void aPauseLongerThanTheGapEndsTheStreak() {
        long gap = RateLimiter.ABUSE_GAP_NANOS;
        RateLimiter limiter = new RateLimiter(0, 1, 3, START);
        limiter.admit(START);
        long first = START + 1;
        assertEquals(Verdict.LIMITED, limiter.admit(first));
        long resumed = first + gap + 1; // just over the gap: a new streak starts here
        for (long t = resumed; t < resumed + 3 * SECOND; t += 100 * MILLI) {
            assertEquals(Verdict.LIMITED, limiter.admit(t), "the first streak no longer counts, at +"
                    + (t - first) / MILLI + " ms");
        }
        assertEquals(Verdict.LIMITED, limiter.admit(resumed + 3 * SECOND - 1));
        assertEquals(Verdict.ABUSE, limiter.admit(resumed + 3 * SECOND));
    }

    @Test
    void floodingClientIsToldAbuseOnlyAfterAbuseSecondsOverTheLimit() {
        // protocol.md §4: "20 per second, bursts of 40; 3 seconds over the limit -> close 1008".
        // The client sends 1000 frames a second, 50 times the rate, without pause.
        RateLimiter limiter = defaults();
        exhaustBurst(limiter, 40, START);
        long firstAbuse = -1;
        for (long t = START + MILLI; t <= START + 10 * SECOND; t += MILLI) {
            Verdict verdict = limiter.admit(t);
            if (t < START + 3 * SECOND) {
                assertNotEquals(Verdict.ABUSE, verdict, "abuse before 3 s over the limit, at +"
                        + (t - START) / MILLI + " ms");
            }
            if (verdict == Verdict.ABUSE) {
                firstAbuse = t;
                break;
            }
        }
        assertTrue(firstAbuse >= 0, "a client 50 times over the rate for 10 s was never told ABUSE");
        assertTrue(firstAbuse <= START + 3 * SECOND + 100 * MILLI,
                "ABUSE came late, at +" + (firstAbuse - START) / MILLI + " ms");
    }

    @Test
    void clientWithinTheRateIsNeverToldAbuse() {
        RateLimiter limiter = defaults();
        for (long t = START; t < START + 60 * SECOND; t += 50 * MILLI) {
            assertEquals(Verdict.ALLOW, limiter.admit(t));
        }
        // Bursts of 40 every 2 s average exactly the rate: sometimes refused, never abuse.
        for (long t = START + 60 * SECOND; t < START + 120 * SECOND; t += 2 * SECOND) {
            for (int i = 0; i < 41; i++) {
                assertNotEquals(Verdict.ABUSE, limiter.admit(t + i * MILLI));
            }
        }
    }

    @Test
    void abuseClockResetsAfterAPauseAndAnAllowedFrame() {
        RateLimiter limiter = defaults();
        exhaustBurst(limiter, 40, START);
        // Two seconds of flooding: limited, not yet abuse.
        for (long t = START + MILLI; t < START + 2 * SECOND; t += MILLI) {
            assertNotEquals(Verdict.ABUSE, limiter.admit(t));
        }
        // Then the client behaves: one frame every two seconds, all allowed.
        for (int i = 2; i <= 10; i += 2) {
            assertEquals(Verdict.ALLOW, limiter.admit(START + (2 + i) * SECOND), "well-behaved frame " + i);
        }
        // A new flood long after the first refusal is limited, not abuse: the old streak ended.
        long later = START + 15 * SECOND;
        exhaustBurst(limiter, 40, later);
        assertEquals(Verdict.LIMITED, limiter.admit(later));
        long firstAbuse = -1;
        for (long t = later + MILLI; t <= later + 5 * SECOND; t += MILLI) {
            Verdict verdict = limiter.admit(t);
            if (verdict == Verdict.ABUSE) {
                firstAbuse = t;
                break;
            }
        }
        assertTrue(firstAbuse >= 0, "the new streak never became abuse");
        assertTrue(firstAbuse >= later + 3 * SECOND, "abuse counted from the old streak, at +"
                + (firstAbuse - later) / MILLI + " ms");
        assertTrue(firstAbuse <= later + 3 * SECOND + 100 * MILLI, "abuse came late, at +"
                + (firstAbuse - later) / MILLI + " ms");
    }

    @Test
    void selfAnsweredFramesAreAbuseOnceABurstOfThemIsRefused() {
        RateLimiter limiter = defaults();
        for (int i = 0; i < 40; i++) {
            assertEquals(Verdict.ALLOW, limiter.admitAnswered(START), "burst ping " + (i + 1));
        }
        // The 3 s grace of data frames does not apply: 40 more refused at once, and the 41st is abuse.
        for (int i = 0; i < 40; i++) {
            assertEquals(Verdict.LIMITED, limiter.admitAnswered(START + i), "refused ping " + (i + 1));
        }
        assertEquals(Verdict.ABUSE, limiter.admitAnswered(START + 40));
    }

    @Test
    void refusedSelfAnsweredFramesAreForgottenWithTheStreak() {
        RateLimiter limiter = defaults();
        exhaustBurst(limiter, 40, START);
        for (int i = 0; i < 40; i++) {
            assertEquals(Verdict.LIMITED, limiter.admitAnswered(START + i), "refused ping " + (i + 1));
        }
        // A pause of two seconds ends the streak: the next refusals start a new count.
        long later = START + 2 * SECOND;
        exhaustBurst(limiter, 40, later);
        for (int i = 0; i < 40; i++) {
            assertEquals(Verdict.LIMITED, limiter.admitAnswered(later + i), "refused ping of the new streak " + (i + 1));
        }
        assertEquals(Verdict.ABUSE, limiter.admitAnswered(later + 40));
    }
}
