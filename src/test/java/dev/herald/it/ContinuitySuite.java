package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.herald.client.Frame;
import dev.herald.client.HeraldClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * History and resume (protocol.md §6, docs/protocol.md "Continuity"), written once and run against every runtime
 * with default settings: each subclass says where Herald is listening.
 */
@Timeout(120)
public abstract class ContinuitySuite {

    /** How long a test waits for something that must not come. */
    private static final Duration QUIET = Duration.ofMillis(300);
    /** A publisher may send this many frames at once within the default rate (its burst). */
    private static final int BURST = 40;

    /** The application's WebSocket base, ending in {@code /}. */
    protected abstract URI base();

    URI roomUri(String room, String name, String query) {
        return base().resolve("rooms/" + room + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + (query == null ? "" : "&" + query));
    }

    HeraldClient join(String room, String name) throws IOException {
        return HeraldClient.connect(roomUri(room, name, null));
    }

    HeraldClient resume(String room, String name, long since, String epoch) throws IOException {
        return HeraldClient.connect(roomUri(room, name, "since=" + since + "&epoch=" + epoch));
    }

    /** Reads frames until the message with offset {@code last}; returns the offsets of every message read. */
    static List<Long> messagesUpTo(HeraldClient client, long last) throws Exception {
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        while (offset < last) {
            JsonObject frame = Frames.next(client);
            if ("message".equals(frame.getString("type"))) {
                offset = frame.getJsonNumber("offset").longValue();
                offsets.add(offset);
            }
        }
        return offsets;
    }

    static List<Long> range(long firstInclusive, long lastInclusive) {
        return LongStream.rangeClosed(firstInclusive, lastInclusive).boxed().toList();
    }

    /** Sends {@code count} publishes as fast as the socket takes them (within one connection's burst). */
    static void burst(HeraldClient publisher, int count, String prefix) throws IOException {
        for (int i = 0; i < count; i++) {
            publisher.sendText(publish(prefix + i));
        }
    }

    @Test
    void anAbruptlyCutClientResumesExactlyOnceWhileOthersKeepPublishing() throws Exception {
        String room = ProtocolSuite.newRoom();
        int total = 60;
        try (HeraldClient ann = join(room, "ann")) {
            String epoch = expect(ann, "welcome").getString("epoch");
            RawWebSocket bob = RawWebSocket.open(roomUri(room, "bob", null), null, 0);
            assertEquals("welcome", Frames.json(bob.read().text()).getString("type"));
            // Ann publishes at 15 a second, within the rate, for about four seconds, the whole time.
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 1; i <= total; i++) {
                        ann.sendText(publish("m" + i));
                        TimeUnit.MILLISECONDS.sleep(66); // pacing a load, not waiting for an event
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long seen = 0;
            while (seen < 10) {
                JsonObject frame = Frames.json(bob.read().text());
                if ("message".equals(frame.getString("type"))) {
                    seen = frame.getJsonNumber("offset").longValue();
                }
            }
            bob.abort(); // the TCP connection is reset under it: no close frame
            try (HeraldClient back = resume(room, "bob", seen, epoch)) {
                JsonObject welcome = expect(back, "welcome");
                assertTrue(welcome.getBoolean("recovered"), welcome.toString());
                assertEquals(epoch, welcome.getString("epoch"));
                assertEquals(range(seen + 1, total), messagesUpTo(back, total), "every offset once, in order");
            }
            publishing.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aResumeAtTheLatestOffsetReplaysNothing() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = join(room, "ann")) {
            String epoch = expect(ann, "welcome").getString("epoch");
            burst(ann, 3, "m");
            assertEquals(range(1, 3), messagesUpTo(ann, 3));
            try (HeraldClient bob = resume(room, "bob", 3, epoch)) {
                JsonObject welcome = expect(bob, "welcome");
                assertTrue(welcome.getBoolean("recovered"));
                assertEquals(0, welcome.getInt("missed"));
                assertEquals(3, welcome.getJsonNumber("offset").longValue());
                ann.sendText(publish("live"));
                JsonObject next = expect(bob, "message");
                assertEquals(4, next.getJsonNumber("offset").longValue(), "the first frame after the welcome is live");
            }
        }
    }

    @Test
    void aWrongEpochGetsRecoveredFalseAndOnlyLiveTraffic() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = join(room, "ann")) {
            String epoch = expect(ann, "welcome").getString("epoch");
            burst(ann, 2, "m");
            messagesUpTo(ann, 2);
            try (HeraldClient bob = resume(room, "bob", 1, "not-" + epoch)) {
                JsonObject welcome = expect(bob, "welcome");
                assertFalse(welcome.getBoolean("recovered"));
                assertFalse(welcome.containsKey("missed"));
                assertEquals(epoch, welcome.getString("epoch"), "the room's current epoch, to start again from");
                assertEquals(2, welcome.getJsonNumber("offset").longValue());
                ann.sendText(publish("live"));
                assertEquals(3, expect(bob, "message").getJsonNumber("offset").longValue(), "no partial replay");
            }
        }
    }

    @Test
    void aResumeOlderThanTheHistoryIsNotRecovered() throws Exception {
        String room = ProtocolSuite.newRoom();
        int publishers = 26; // 26 x 40 = 1 040 messages: more than history-size and recovery-max (1 000)
        List<HeraldClient> clients = new ArrayList<>();
        try {
            HeraldClient first = join(room, "p0");
            clients.add(first);
            String epoch = expect(first, "welcome").getString("epoch");
            for (int i = 1; i < publishers; i++) {
                clients.add(join(room, "p" + i));
            }
            for (HeraldClient publisher : clients) {
                burst(publisher, BURST, "m");
            }
            long last = (long) publishers * BURST;
            assertEquals(range(1, last), messagesUpTo(first, last));
            try (HeraldClient late = resume(room, "late", 0, epoch)) {
                JsonObject welcome = expect(late, "welcome");
                assertFalse(welcome.getBoolean("recovered"), welcome.toString());
                assertEquals(last, welcome.getJsonNumber("offset").longValue());
                first.sendText(publish("live"));
                assertEquals(last + 1, expect(late, "message").getJsonNumber("offset").longValue(), "nothing replayed");
            }
        } finally {
            for (HeraldClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aResumeRacingABurstOfHundredsHasNoGapAndNoDuplicate() throws Exception {
        String room = ProtocolSuite.newRoom();
        int publishers = 10; // 400 messages at full speed
        long total = (long) publishers * BURST;
        List<HeraldClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            for (int i = 0; i < publishers; i++) {
                clients.add(join(room, "p" + i));
            }
            JsonObject first = expect(clients.get(0), "welcome");
            String epoch = first.getString("epoch");
            long since = first.getJsonNumber("offset").longValue();
            List<CompletableFuture<Void>> bursts = new ArrayList<>();
            for (HeraldClient publisher : clients) {
                bursts.add(CompletableFuture.runAsync(() -> {
                    try {
                        burst(publisher, BURST, "m");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            // The resume lands while the burst is being published: part of it is history, the rest live.
            try (HeraldClient racer = resume(room, "racer", since, epoch)) {
                JsonObject welcome = expect(racer, "welcome");
                assertTrue(welcome.getBoolean("recovered"), welcome.toString());
                assertEquals(range(since + 1, since + total), messagesUpTo(racer, since + total));
                assertNoMoreMessages(racer);
            }
            CompletableFuture.allOf(bursts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            for (HeraldClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void anEmptiedRoomKeepsItsHistoryForALoneMemberToComeBack() throws Exception {
        String room = ProtocolSuite.newRoom();
        String epoch;
        try (HeraldClient ann = join(room, "ann")) {
            epoch = expect(ann, "welcome").getString("epoch");
            burst(ann, 3, "m");
            assertEquals(range(1, 3), messagesUpTo(ann, 3));
        }
        // Ann was the last member; she comes back having seen only the first message.
        try (HeraldClient back = resume(room, "ann", 1, epoch)) {
            JsonObject welcome = expect(back, "welcome");
            assertTrue(welcome.getBoolean("recovered"), welcome.toString());
            assertEquals(2, welcome.getInt("missed"));
            assertEquals(range(2, 3), messagesUpTo(back, 3));
            assertEquals(epoch, welcome.getString("epoch"));
        }
    }

    /** Fails if a {@code message} frame arrives within a short quiet time: it would be a duplicate. */
    static void assertNoMoreMessages(HeraldClient client) throws Exception {
        Frame frame;
        while ((frame = client.next(QUIET)) != null) {
            if (frame instanceof Frame.Text text && "message".equals(Frames.json(text.text()).getString("type"))) {
                fail("a message after the last one: " + text.text());
            }
        }
    }
}
