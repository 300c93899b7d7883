package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.client.HeraldClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    /**
     * Whether this runtime may open a second session for a leaver while the leavers close: seen only on Payara and
     * GlassFish (Tyrus on their servlet containers), as a {@code joined} of a leaver's name with a connection number
     * after the member who stays, then its {@code left} (README, Compatibility). Herald announces what the runtime
     * opened; the test then checks the counts through it.
     */
    protected boolean runtimeMayReopenALeaver() {
        return false;
    }

    @Test
    void everySimultaneousDepartureIsToldToTheMemberWhoStays() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            String room = ProtocolSuite.newRoom();
            List<HeraldClient> leavers = new ArrayList<>();
            Set<String> leaverIds = new HashSet<>();
            Set<String> leaverNames = new HashSet<>();
            for (int i = 0; i < LEAVERS; i++) {
                HeraldClient leaver = HeraldClient.connect(base().resolve("rooms/" + room + "?name=l" + i));
                JsonObject welcome = expect(leaver, "welcome");
                // The welcome is this connection's own.
                assertEquals("l" + i, welcome.getJsonObject("you").getString("name"), welcome.toString());
                leaverIds.add(welcome.getJsonObject("you").getString("id"));
                leaverNames.add("l" + i);
                leavers.add(leaver);
            }
            // The one who stays joins last, so the room offers it each departure after all the leavers. It is a JDK
            // client, apart from the leavers' shared Tyrus client transport.
            try (JdkClient stays = JdkClient.connect(base().resolve("rooms/" + room + "?name=stays"))) {
                JsonObject staysWelcome = Frames.json(stays.next(Frames.WAIT));
                assertEquals("welcome", staysWelcome.getString("type"), staysWelcome.toString());
                closeAllAtOnce(leavers);
                int members = LEAVERS + 1;
                Set<String> notYetLeft = new HashSet<>(leaverIds);
                Set<String> reopened = new HashSet<>();
                List<String> seen = new ArrayList<>();
                try {
                    while (!notYetLeft.isEmpty() || !reopened.isEmpty()) {
                        JsonObject frame = Frames.json(stays.next(Frames.WAIT));
                        String type = frame.getString("type");
                        String id = frame.getJsonObject("member").getString("id");
                        String what = "round " + round + ", the member who stays (" + staysWelcome.get("you")
                                + ") got " + frame + " after " + seen;
                        seen.add(type + " " + frame.getJsonObject("member").getString("name"));
                        if ("left".equals(type) && (notYetLeft.remove(id) || reopened.remove(id))) {
                            members--;
                        } else if ("joined".equals(type) && runtimeMayReopenALeaver()
                                && leaverNames.contains(frame.getJsonObject("member").getString("name"))
                                && !leaverIds.contains(id)) {
                            reopened.add(id);
                            members++;
                            System.out.println("DepartureSuite: the runtime reopened a leaver: " + what);
                        } else {
                            throw new AssertionError(what);
                        }
                        assertEquals(members, frame.getInt("count"), "members after " + frame);
                    }
                } catch (TimeoutException e) {
                    throw new AssertionError("round " + round + ": told of " + (LEAVERS - notYetLeft.size()) + " of "
                            + LEAVERS + " departures; " + reopened.size() + " reopened not left: " + seen, e);
                }
                assertEquals(1, members, "only the member who stays is left");
                stays.send(publish("still here"));
                JsonObject message = Frames.json(stays.next(Frames.WAIT));
                assertEquals("still here", message.getString("text"), "round " + round);
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
