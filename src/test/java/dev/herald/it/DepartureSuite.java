package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.client.HeraldClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many members of a room leave at the same moment: the member who stays is told every departure
 * (protocol.md §2, {@code left}) and is still served afterwards.
 *
 * <p>A regression test, run on every runtime. On Tyrus (standalone, Payara) a {@code left} frame can be
 * offered to a member whose session has just closed but whose {@code @OnClose} has not run yet; Tyrus then
 * throws from {@code getAsyncRemote()}. That exception used to escape the fan-out and leave the queues after
 * it marked busy forever, so the member who stayed never received another frame.
 */
@Timeout(120)
abstract class DepartureSuite {

    private static final int LEAVERS = 40;
    /** The race is likely, not certain, in one round: three rounds make a regression show almost surely. */
    private static final int ROUNDS = 3;

    /** The application's WebSocket base, ending in {@code /}. */
    protected abstract URI base();

    @Test
    void everySimultaneousDepartureIsToldToTheMemberWhoStays() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            String room = ProtocolSuite.newRoom();
            List<HeraldClient> leavers = new ArrayList<>();
            for (int i = 0; i < LEAVERS; i++) {
                HeraldClient leaver = HeraldClient.connect(base().resolve("rooms/" + room + "?name=l" + i));
                expect(leaver, "welcome");
                leavers.add(leaver);
            }
            // The one who stays joins last, so the room offers it each departure after all the leavers.
            try (HeraldClient stays = HeraldClient.connect(base().resolve("rooms/" + room + "?name=stays"))) {
                expect(stays, "welcome");
                closeAllAtOnce(leavers);
                int told = 0;
                try {
                    for (; told < LEAVERS; told++) {
                        assertEquals(LEAVERS - told, expect(stays, "left").getInt("count"), "members left after each departure");
                    }
                } catch (TimeoutException e) {
                    throw new AssertionError("round " + round + ": told of " + told + " of " + LEAVERS + " departures", e);
                }
                stays.sendText(publish("still here"));
                assertEquals("still here", expect(stays, "message").getString("text"), "round " + round);
            }
        }
    }

    private static void closeAllAtOnce(List<HeraldClient> clients) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> closers = new ArrayList<>();
        for (HeraldClient client : clients) {
            Thread closer = new Thread(() -> {
                try {
                    start.await();
                    client.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "closer");
            closer.start();
            closers.add(closer);
        }
        start.countDown();
        for (Thread closer : closers) {
            closer.join(10_000);
        }
    }
}
