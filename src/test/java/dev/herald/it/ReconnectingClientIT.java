package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.ClientOptions;
import dev.herald.client.CloseStatus;
import dev.herald.client.Frame;
import dev.herald.client.HeraldClient;
import dev.herald.client.NotConnectedException;
import dev.herald.client.ReconnectingClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconnecting Java client against real standalone servers: it comes back after a drain and a restart on the
 * same port (history lost, said so), and after an abrupt cut it resumes with every message exactly once.
 */
@Timeout(90)
class ReconnectingClientIT {

    /** Long enough for a few backoff rounds (1 s, 2 s, 4 s ceilings) while a server restarts. */
    private static final Duration BACK = Duration.ofSeconds(30);
    private static final Map<Setting, String> FAST = Map.of(Setting.RATE_PER_SECOND, "10000",
            Setting.RATE_BURST, "10000", Setting.QUEUE_BYTES, Integer.toString(16 * 1024 * 1024));

    private final List<AutoCloseable> resources = new ArrayList<>();
    private StandaloneServer server;

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    @Test
    void aDrainAndARestartOnTheSamePortAreSurvivedAndTheLostHistoryIsReported() throws Exception {
        server = StandaloneFixture.start(Map.of(Setting.DRAIN_SECONDS, "5"));
        int port = server.port();
        URI room = StandaloneFixture.base(server).resolve("rooms/restart?name=ann");
        RecordingListener events = new RecordingListener();
        ReconnectingClient ann = closeLater(ReconnectingClient.connect(room, ClientOptions.defaults(), events));
        events.await("^connected ws://", WAIT);
        JsonObject first = expectNext(ann, "welcome");
        try (HeraldClient bob = HeraldClient.connect(StandaloneFixture.base(server).resolve("rooms/restart?name=bob"))) {
            Frames.expect(bob, "welcome");
            bob.sendText(publish("before the restart"));
            assertEquals("joined", next(ann).getString("type"));
            JsonObject before = next(ann);
            assertEquals(1, before.getInt("offset"), before.toString());
        }

        server.close();
        server = null;
        events.await("^reconnecting 1012 attempt 1 in \\d+ ms$", WAIT);
        assertFalse(ann.isConnected());
        assertThrows(NotConnectedException.class, () -> ann.sendText(publish("while away")));
        server = StandaloneFixture.start(Map.of(Setting.PORT, Integer.toString(port)));

        events.await("^connected again ws://127\\.0\\.0\\.1:" + port + "/rooms/restart\\?name=ann", BACK);
        events.await("^lost$", WAIT);
        JsonObject welcome = nextOfType(ann, "welcome");
        assertEquals(0, welcome.getInt("offset"), "a new server starts a new history");
        if (first.containsKey("epoch")) {
            assertNotEquals(first.getString("epoch"), welcome.getString("epoch"), "a restart is a new epoch");
            assertFalse(welcome.getBoolean("recovered"), welcome.toString());
        }
        ann.sendText(publish("after the restart"));
        JsonObject after = nextOfType(ann, "message");
        assertEquals(1, after.getInt("offset"), "offset 1 of the new epoch is not taken for a duplicate");
        assertEquals("after the restart", after.getString("text"));
        assertTrue(events.all().stream().noneMatch(event -> event.startsWith("resumed") || event.startsWith("gave up")),
                events.all().toString());

        ann.close();
        assertEquals(1000, ann.awaitClose(WAIT).code());
        assertFalse(ann.isConnected());
    }

    @Test
    void anAbruptCutWhileOthersPublishIsResumedWithEveryMessageExactlyOnceInOrder() throws Exception {
        server = StandaloneFixture.start(FAST);
        TcpProxy proxy = closeLater(TcpProxy.to(server.port()));
        RecordingListener events = new RecordingListener();
        ReconnectingClient reader = closeLater(ReconnectingClient.connect(
                URI.create("ws://127.0.0.1:" + proxy.port() + "/rooms/cut?name=reader"), ClientOptions.defaults(), events));
        expectNext(reader, "welcome");
        HeraldClient writer = closeLater(HeraldClient.connect(StandaloneFixture.base(server).resolve("rooms/cut?name=writer")));
        Frames.expect(writer, "welcome");

        List<Long> offsets = new ArrayList<>();
        publishAll(writer, 1, 100);
        readMessages(reader, offsets, 100);

        // The cut lands in the middle of a burst: some of it was delivered, some in flight, some published later.
        CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> publishAll(writer, 101, 400));
        proxy.cutAll();
        burst.get(30, TimeUnit.SECONDS);
        String reconnecting = events.await("^reconnecting ", WAIT);
        assertTrue(reconnecting.startsWith("reconnecting 1006 attempt 1"), reconnecting);
        // Published while the reader is away (it waits at least 0.5 s), and in history once acknowledged.
        publishAll(writer, 401, 449);
        writer.sendText(publish("m450", "last-while-away"));
        awaitAck(writer, "last-while-away");
        String resumed = events.await("^(resumed \\d+|lost)$", BACK);
        assertTrue(resumed.startsWith("resumed"), "the history was kept, so nothing may be lost: " + events.all());
        assertTrue(Long.parseLong(resumed.substring("resumed ".length())) >= 50, "401..450 were missed: " + resumed);

        publishAll(writer, 451, 500);
        readMessages(reader, offsets, 500);
        assertNull(reader.next(Duration.ofMillis(500)), "nothing after the last message (no late duplicate)");
        assertEquals(LongStream.rangeClosed(1, 500).boxed().toList(), offsets, "every offset exactly once, in order");
        assertTrue(proxy.accepted() >= 2, "the reader came back through the proxy");
        assertTrue(events.all().stream().noneMatch(event -> event.equals("lost") || event.startsWith("gave up")),
                events.all().toString());
    }

    @Test
    void aLinkThatGoesSilentIsDeadAfterTheHeartbeatPlusTenSecondsAndIsResumed() throws Exception {
        // Server pings every second, so the client gives a silent link 1 + 10 s; the server forgets it after 3 s.
        server = StandaloneFixture.start(Map.of(Setting.PING_SECONDS, "1", Setting.IDLE_SECONDS, "3"));
        TcpProxy proxy = closeLater(TcpProxy.to(server.port()));
        RecordingListener events = new RecordingListener();
        ReconnectingClient ann = closeLater(ReconnectingClient.connect(
                URI.create("ws://127.0.0.1:" + proxy.port() + "/rooms/silent?name=ann"), ClientOptions.defaults(), events));
        assertEquals(1, expectNext(ann, "welcome").getInt("heartbeatSeconds"));

        long frozenAt = System.nanoTime();
        proxy.stallAll();
        String reconnecting = events.await("^reconnecting ", Duration.ofSeconds(30));
        long silentSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - frozenAt);
        assertTrue(reconnecting.startsWith("reconnecting 1006 attempt 1"), reconnecting);
        assertTrue(silentSeconds >= 10 && silentSeconds <= 20, "declared dead after " + silentSeconds + " s");

        events.await("^(resumed \\d+|lost)$", BACK);
        assertTrue(proxy.accepted() >= 2, "the client came back through the proxy");
        ann.sendText(publish("back"));
        assertEquals("back", nextOfType(ann, "message").getString("text"));
    }

    @Test
    void aReconnectRefusedWithHttp4xxGivesUp() throws Exception {
        server = StandaloneFixture.start(Map.of(Setting.ALLOWED_ORIGINS, "https://chat.example.com",
                Setting.DRAIN_SECONDS, "5"));
        int port = server.port();
        RecordingListener events = new RecordingListener();
        ReconnectingClient browserLike = closeLater(ReconnectingClient.connect(
                StandaloneFixture.base(server).resolve("rooms/origin?name=ann"),
                ClientOptions.defaults().withOrigin("https://chat.example.com"), events));
        expectNext(browserLike, "welcome");
        server.close();
        server = null;
        events.await("^reconnecting 1012", WAIT);
        // The restarted server no longer allows that origin: 403 will not change by itself.
        server = StandaloneFixture.start(Map.of(Setting.PORT, Integer.toString(port)));
        String gaveUp = events.await("^gave up", BACK);
        assertTrue(gaveUp.matches("gave up 1012 refused .*HTTP 403.*"), gaveUp);
        CloseStatus status = browserLike.awaitClose(WAIT);
        assertEquals(1012, status.code(), "it ends with the close that started the outage: " + status);
        assertTrue(events.all().stream().noneMatch(event -> event.startsWith("connected again")), events.all().toString());
    }

    @Test
    void aPolicyCloseStopsTheClientWithoutReconnecting() throws Exception {
        server = StandaloneFixture.start(Map.of());
        RecordingListener events = new RecordingListener();
        ReconnectingClient invalid = closeLater(ReconnectingClient.connect(
                StandaloneFixture.base(server).resolve("rooms/bad!room"), ClientOptions.defaults(), events));
        CloseStatus status = invalid.awaitClose(WAIT);
        assertEquals(1008, status.code(), status.toString());
        assertEquals("gave up 1008", events.await("^gave up", WAIT));
        assertTrue(events.all().stream().noneMatch(event -> event.startsWith("reconnecting")), events.all().toString());
    }

    /** Publishes texts {@code m<from>} to {@code m<to>} without waiting; one publisher, so offsets follow the order. */
    private static void publishAll(HeraldClient writer, int from, int to) {
        try {
            for (int i = from; i <= to; i++) {
                writer.sendText(publish("m" + i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the writer's frames until the ack for {@code ref}. */
    private static void awaitAck(HeraldClient writer, String ref) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject frame = Frames.next(writer);
            if ("ack".equals(frame.getString("type")) && ref.equals(frame.getString("ref"))) {
                return;
            }
        }
        throw new AssertionError("no ack for " + ref + " within " + WAIT);
    }

    /** Reads until {@code offsets} holds {@code count} message offsets, checking each message's text. */
    private static void readMessages(ReconnectingClient reader, List<Long> offsets, int count) throws Exception {
        while (offsets.size() < count) {
            JsonObject frame = next(reader);
            if ("message".equals(frame.getString("type"))) {
                long offset = frame.getJsonNumber("offset").longValue();
                assertEquals("m" + offset, frame.getString("text"), frame.toString());
                offsets.add(offset);
            }
        }
    }

    private static JsonObject next(ReconnectingClient client) throws InterruptedException {
        Frame frame = client.next(WAIT);
        if (frame == null) {
            throw new AssertionError("no frame within " + WAIT);
        }
        return Frames.json(((Frame.Text) frame).text());
    }

    private static JsonObject nextOfType(ReconnectingClient client, String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject frame = next(client);
            if (type.equals(frame.getString("type"))) {
                return frame;
            }
        }
        throw new AssertionError("no " + type + " frame within " + WAIT);
    }

    private static JsonObject expectNext(ReconnectingClient client, String type) throws InterruptedException {
        JsonObject frame = next(client);
        assertEquals(type, frame.getString("type"), frame.toString());
        return frame;
    }
}
