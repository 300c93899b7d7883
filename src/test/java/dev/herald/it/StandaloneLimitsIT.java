package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.ClientOptions;
import dev.herald.client.CloseStatus;
import dev.herald.client.HandshakeRefusedException;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The limits and heartbeat of protocol.md §3–§4 against standalone servers started with small settings,
 * one server per test.
 */
@Timeout(60)
class StandaloneLimitsIT {

    private StandaloneServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI start(Map<Setting, String> settings) throws Exception {
        server = StandaloneFixture.start(settings);
        return StandaloneFixture.base(server);
    }

    /**
     * Issue 13, item 9: connection churn from one address is limited. A churner joins and leaves a room as fast as it
     * can; past its burst, its connections are closed with 1013 {@code try again later}, so the members of the room it
     * churns are told of a bounded number of arrivals and departures, and they are served throughout.
     */
    @Test
    void connectionChurnFromOneAddressIsRefusedWith1013AndBystandersHearABoundedAmount() throws Exception {
        URI base = start(Map.of(Setting.CONNECT_RATE_PER_ADDRESS, "2")); // bursts of 4
        List<HeraldClient> bystanders = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                HeraldClient bystander = HeraldClient.connect(base.resolve("rooms/lobby?name=b" + i));
                expect(bystander, "welcome");
                bystanders.add(bystander);
            }
            long start = System.nanoTime();
            int admitted = 0;
            int refused = 0;
            for (int cycle = 0; cycle < 100; cycle++) {
                try (HeraldClient churner = HeraldClient.connect(base.resolve("rooms/lobby?name=churn"))) {
                    if (welcomedOrRefused(churner)) {
                        admitted++;
                    } else {
                        refused++;
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(admitted <= 4 + 2 * seconds + 1, admitted + " admitted in " + seconds + " s");
            assertTrue(admitted + refused == 100 && refused >= 50, "refused " + refused + ", admitted " + admitted);
            HeraldClient first = bystanders.get(0);
            first.sendText(publish("still served"));
            int arrivalsAndDepartures = 0;
            while (true) {
                JsonObject frame = Frames.next(first);
                if (frame.getString("type").equals("message")) {
                    assertEquals("still served", frame.getString("text"));
                    break;
                }
                arrivalsAndDepartures++;
            }
            // The other two bystanders' arrivals, then a joined and a left per admitted churner.
            assertEquals(2 + 2 * admitted, arrivalsAndDepartures, "joined and left frames");
            Thread.sleep(1_000); // the bucket refills at 2 a second: a deliberate pause, not a wait for an event
            try (HeraldClient later = HeraldClient.connect(base.resolve("rooms/lobby?name=later"))) {
                assertTrue(welcomedOrRefused(later), "admitted again once the address slowed down");
            }
        } finally {
            for (HeraldClient bystander : bystanders) {
                bystander.close();
            }
        }
    }

    /** {@code true} once a welcome arrives, {@code false} once the server closes with 1013 first. */
    private static boolean welcomedOrRefused(HeraldClient client) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            dev.herald.client.Frame frame = client.next(Duration.ofMillis(50));
            if (frame instanceof dev.herald.client.Frame.Text text) {
                assertEquals("welcome", Frames.json(text.text()).getString("type"));
                return true;
            }
            if (client.closeStatus().isDone()) {
                assertEquals(new CloseStatus(1013, "try again later"), client.closeStatus().join());
                return false;
            }
        }
        throw new AssertionError("neither a welcome nor a close within " + WAIT);
    }

    @Test
    void aClientThatKeepsFloodingIsClosedWith1008() throws Exception {
        URI base = start(Map.of(Setting.RATE_PER_SECOND, "5", Setting.RATE_BURST, "5", Setting.RATE_ABUSE_SECONDS, "1"));
        try (HeraldClient flooder = HeraldClient.connect(base.resolve("rooms/flood"))) {
            expect(flooder, "welcome");
            floodUntilClosed(flooder, i -> publish("flood " + i));
            assertEquals(new CloseStatus(1008, "rate limit abuse"), flooder.awaitClose(WAIT));
        }
    }

    @Test
    void aClassicFlooderIsClosedWith1008Too() throws Exception {
        URI base = start(Map.of(Setting.RATE_PER_SECOND, "5", Setting.RATE_BURST, "5", Setting.RATE_ABUSE_SECONDS, "1"));
        try (HeraldClient flooder = HeraldClient.connect(base)) {
            floodUntilClosed(flooder, i -> "flood " + i);
            assertEquals(new CloseStatus(1008, "rate limit abuse"), flooder.awaitClose(WAIT));
        }
    }

    /**
     * Sends 10 frames a second, twice the limit of 5, until the server closes (at most 300 frames). Why not
     * faster: Tyrus closes the TCP connection right after its close frame, so a frame the client sends at that
     * moment draws a reset that can destroy the unread close frame (seen as 1006 on a loaded machine); 100 ms
     * between frames leaves the client time to read the close first.
     */
    private static void floodUntilClosed(HeraldClient flooder, IntFunction<String> frame) throws InterruptedException {
        for (int i = 0; i < 300 && !flooder.closeStatus().isDone(); i++) {
            try {
                flooder.sendText(frame.apply(i));
            } catch (IOException closedMeanwhile) {
                return;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void connectionsOverThePerAddressCapAreClosedWith1013() throws Exception {
        URI base = start(Map.of(Setting.MAX_CONNECTIONS_PER_ADDRESS, "3"));
        List<HeraldClient> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                HeraldClient client = HeraldClient.connect(base);
                admitted.add(client);
                assertEquals(ProtocolSuite.JOIN, client.nextText(WAIT));
            }
            try (HeraldClient fourth = HeraldClient.connect(base)) {
                assertEquals(new CloseStatus(1013, "try again later"), fourth.awaitClose(WAIT));
            }
            HeraldClient leaving = admitted.remove(0);
            leaving.close();
            leaving.awaitClose(WAIT);
            // The client sees the close handshake end before the server's close callback frees the slot.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.hub().connectionCount() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (HeraldClient again = HeraldClient.connect(base)) {
                assertEquals(ProtocolSuite.JOIN, again.nextText(WAIT), "a freed slot admits a new connection");
            }
        } finally {
            for (HeraldClient client : admitted) {
                client.close();
            }
        }
    }

    @Test
    void connectionsOverTheTotalCapAreClosedWith1013() throws Exception {
        URI base = start(Map.of(Setting.MAX_CONNECTIONS, "2"));
        try (HeraldClient first = HeraldClient.connect(base.resolve("rooms/a"))) {
            expect(first, "welcome");
            try (HeraldClient second = HeraldClient.connect(base.resolve("rooms/b"))) {
                expect(second, "welcome");
                try (HeraldClient third = HeraldClient.connect(base.resolve("rooms/c"))) {
                    assertEquals(new CloseStatus(1013, "try again later"), third.awaitClose(WAIT));
                }
            }
        }
    }

    @Test
    void theServerPingsAndClosesSilentPeersWith1001() throws Exception {
        URI base = start(Map.of(Setting.PING_SECONDS, "1", Setting.IDLE_SECONDS, "2"));
        try (HeraldClient alive = HeraldClient.connect(base.resolve("rooms/beat?name=alive"))) {
            expect(alive, "welcome");
            RawWebSocket silent = RawWebSocket.open(base.resolve("rooms/beat?name=silent"), null, 0);
            assertTrue(silent.readAny().text().contains("welcome"));
            JsonObject silentJoined = expect(alive, "joined");
            RawWebSocket.Received frame = silent.readAny();
            assertEquals(RawWebSocket.OP_PING, frame.opcode(), "a ping comes within the ping interval");
            assertEquals(8, frame.payload().length, "the round's 8 random bytes, written pre-framed");
            while (frame.opcode() != RawWebSocket.OP_CLOSE) {
                frame = silent.readAny(); // never answered
            }
            assertEquals(1001, frame.closeCode());
            assertEquals("idle timeout", frame.closeReason());
            JsonObject left = expect(alive, "left");
            assertEquals(silentJoined.getJsonObject("member"), left.getJsonObject("member"));
            assertEquals("timeout", left.getString("reason"));
            assertTrue(alive.isOpen(), "a client that answers pings outlives the idle deadline");
            silent.close();
        }
    }

    @Test
    void stoppingWithoutDrainClosesClientsWith1001GoingAway() throws Exception {
        URI base = start(Map.of(Setting.DRAIN_SECONDS, "0"));
        HeraldClient client = HeraldClient.connect(base);
        client.nextText(WAIT);
        server.close();
        server = null;
        assertEquals(new CloseStatus(1001, "going away"), client.awaitClose(WAIT));
    }

    @Test
    void aClassicDepartureIsLogged() throws Exception {
        URI base = start(Map.of());
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger hubLogger = Logger.getLogger("dev.herald.hub"); // the package: whichever hub class logs it
        hubLogger.addHandler(capture);
        try {
            HeraldClient client = HeraldClient.connect(base);
            client.nextText(WAIT);
            client.sendText("who am i");
            String number = client.nextText(WAIT).replaceAll("Client\\((\\d+)\\) said: .*", "$1");
            client.close();
            client.awaitClose(WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!logged.contains("Client(" + number + ") disconnected") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(logged.contains("Client(" + number + ") disconnected"), logged.toString());
        } finally {
            hubLogger.removeHandler(capture);
        }
    }

    @Test
    void configuredOriginsAreAllowedAndOthersRefused() throws Exception {
        URI base = start(Map.of(Setting.ALLOWED_ORIGINS, "https://app.example, https://other.example"));
        try (HeraldClient client = HeraldClient.connect(base, ClientOptions.defaults().withOrigin("https://app.example"))) {
            assertEquals(ProtocolSuite.JOIN, client.nextText(WAIT));
        }
        HandshakeRefusedException refused = assertThrows(HandshakeRefusedException.class,
                () -> HeraldClient.connect(base, ClientOptions.defaults().withOrigin("https://app.example.evil")));
        assertEquals(403, refused.status());
    }

    /** Issue 13, item 7: the whole origin is compared, so another port or scheme on this machine is refused. */
    @Test
    void anotherPortOrSchemeOnThisMachineIsRefusedUnlessSameHostIsListed() throws Exception {
        URI base = start(Map.of());
        int port = base.getPort();
        for (String origin : List.of("http://localhost:" + (port == 1 ? 2 : port - 1), "https://127.0.0.1:" + port,
                "http://localhost", "http://127.0.0.1:3000")) {
            HandshakeRefusedException refused = assertThrows(HandshakeRefusedException.class,
                    () -> HeraldClient.connect(base, ClientOptions.defaults().withOrigin(origin)), origin);
            assertEquals(403, refused.status(), origin);
        }
        try (HeraldClient own = HeraldClient.connect(base, ClientOptions.defaults().withOrigin("http://127.0.0.1:" + port))) {
            assertEquals(ProtocolSuite.JOIN, own.nextText(WAIT));
        }
        server.close();
        URI oldRule = start(Map.of(Setting.ALLOWED_ORIGINS, "same-host"));
        try (HeraldClient other = HeraldClient.connect(oldRule,
                ClientOptions.defaults().withOrigin("http://localhost:3000"))) {
            assertEquals(ProtocolSuite.JOIN, other.nextText(WAIT), "same-host: any port on this machine");
        }
    }

    @Test
    void aWildcardAllowsEveryOrigin() throws Exception {
        URI base = start(Map.of(Setting.ALLOWED_ORIGINS, "*"));
        try (HeraldClient client = HeraldClient.connect(base, ClientOptions.defaults().withOrigin("https://anywhere.example"))) {
            assertEquals(ProtocolSuite.JOIN, client.nextText(WAIT));
        }
    }

    @Test
    void aSlowConsumerIsClosedWith4000AndTheRoomHearsReasonSlow() throws Exception {
        URI base = start(Map.of(Setting.QUEUE_BYTES, "16384", Setting.RATE_PER_SECOND, "10000",
                Setting.RATE_BURST, "10000"));
        try (HeraldClient publisher = HeraldClient.connect(base.resolve("rooms/slow?name=pub"))) {
            expect(publisher, "welcome");
            RawWebSocket stalled = RawWebSocket.open(base.resolve("rooms/slow?name=stalled"), null, 4096);
            assertTrue(stalled.read().text().contains("welcome"));
            expect(publisher, "joined");
            String text = "s".repeat(1_000);
            String leftReason = null;
            for (int i = 0; i < 4_000 && leftReason == null; i++) {
                publisher.sendText(publish(text));
                JsonObject frame = Frames.next(publisher);
                if ("left".equals(frame.getString("type"))) {
                    leftReason = frame.getString("reason");
                }
            }
            assertEquals("slow", leftReason);
            long[] skipped = {0};
            RawWebSocket.Received close = stalled.readUntilClose(skipped);
            assertEquals(4000, close.closeCode());
            assertEquals("slow consumer", close.closeReason());
            stalled.close();
        }
    }

    @Test
    void anOversizeBinaryFrameIsClosedWith1009() throws Exception {
        URI base = start(Map.of(Setting.MAX_MESSAGE_BYTES, "1024"));
        try (HeraldClient client = HeraldClient.connect(base.resolve("rooms/bin"))) {
            expect(client, "welcome");
            client.sendBinary(new byte[1024]);
            assertEquals(1024, ((dev.herald.client.Frame.Binary) client.next(WAIT)).data().length);
            client.sendBinary(new byte[1025]);
            assertEquals(new CloseStatus(1009, "message too big"), client.awaitClose(WAIT));
        }
    }

    @Test
    void anOversizeClassicTextIsClosedWith1009() throws Exception {
        URI base = start(Map.of(Setting.MAX_MESSAGE_BYTES, "1024"));
        try (HeraldClient client = HeraldClient.connect(base)) {
            client.nextText(WAIT);
            client.sendText("é".repeat(513)); // 1026 bytes in UTF-8, 513 characters
            assertEquals(new CloseStatus(1009, "message too big"), client.awaitClose(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aHandshakeThatNeverCompletesIsCutAtTheDeadlineAndOthersAreServed() throws Exception {
        URI base = start(Map.of(Setting.HANDSHAKE_SECONDS, "1"));
        try (Socket silent = new Socket("127.0.0.1", base.getPort());
             Socket halfSent = new Socket("127.0.0.1", base.getPort())) {
            halfSent.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            silent.setSoTimeout(10_000);
            halfSent.setSoTimeout(10_000);
            long started = System.nanoTime();
            assertEquals(-1, silent.getInputStream().read(), "a silent socket is closed by the server");
            assertEquals(-1, halfSent.getInputStream().read(), "a half-sent upgrade is closed by the server");
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(8), "closed near the 1 s deadline");
            try (HeraldClient client = HeraldClient.connect(base)) {
                assertEquals(ProtocolSuite.JOIN, client.nextText(WAIT));
                Thread.sleep(2_500); // past the deadline: an upgraded connection is never cut
                client.sendText("still here");
                assertTrue(client.nextText(WAIT).endsWith(" said: still here"));
            }
        }
    }
}
