package dev.herald.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import dev.herald.protocol.Closure;
import dev.herald.protocol.Utf8;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Inbound;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Checks the hub end to end through in-memory connections: both endpoints' frames, limits and closing. */
class HubTest extends LiveHubTest {


    private static RecordingConnection connection(int n) {
        return new RecordingConnection("192.0.2." + n);
    }

    private Client join(RecordingConnection connection, String room, String name) {
        Client client = hub().joinRoom(connection, room, name, null);
        assertNotNull(client, "join refused: " + connection.closures());
        return client;
    }

    private static List<String> names(JsonValue members) {
        return members.asJsonArray().stream().map(m -> m.asJsonObject().getString("name")).toList();
    }

    // ---- classic endpoint ---------------------------------------------------------------------------

    @Test
    void classicJoinIsAnnouncedToAllIncludingTheNewcomer() {
        RecordingConnection first = connection(1);
        RecordingConnection second = connection(2);
        hub().openClassic(first, null);
        assertEquals(List.of("Hey all, a new client has joined us"), first.texts());
        hub().openClassic(second, null);
        assertEquals(List.of("Hey all, a new client has joined us", "Hey all, a new client has joined us"),
                first.texts());
        assertEquals(List.of("Hey all, a new client has joined us"), second.texts());
    }

    @Test
    void classicTextGoesToAllIncludingTheSender() {
        RecordingConnection first = connection(1);
        RecordingConnection second = connection(2);
        Client one = hub().openClassic(first, null);
        Client two = hub().openClassic(second, null);
        first.forget();
        second.forget();
        hub().classicText(two, "hello there");
        hub().classicText(one, "caf\u00e9");
        List<String> expected = List.of("Client(" + two.number() + ") said: hello there",
                "Client(" + one.number() + ") said: caf\u00e9");
        assertEquals(expected, first.texts());
        assertEquals(expected, second.texts());
    }

    @Test
    void countersIncludeTheHighWaterMarkOfQueuesStillOpen() {
        RecordingConnection stalled = new RecordingConnection("192.0.2.50", true);
        Client slow = hub().openClassic(stalled, null);       // its own join announcement stays in flight
        Client talker = hub().openClassic(connection(51), null);
        hub().classicText(talker, "0123456789");
        long expected = Utf8.length(Hub.CLASSIC_JOIN) * 2 + Utf8.length("Client(" + talker.number() + ") said: 0123456789");
        assertEquals(expected, hub().counters().queueHighWaterBytes(), "the stalled queue's mark, read while open");
        assertEquals(1, slow.number());
    }

    @Test
    void connectionNumbersStartAtOneAndIncrease() {
        List<Long> numbers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            numbers.add(hub().openClassic(connection(i), null).number());
        }
        numbers.add(join(connection(4), "lobby", null).number());
        assertEquals(List.of(1L, 2L, 3L, 4L), numbers);

        RecordingConnection fifth = connection(5);
        Client five = hub().openClassic(fifth, null);
        hub().classicText(five, "hi");
        assertEquals("Client(5) said: hi", fifth.texts().get(1));
    }

    @Test
    void numbersAreNotReusedAfterDisconnect() {
        Client one = hub().openClassic(connection(1), null);
        hub().disconnected(one, 1000);
        assertEquals(2, hub().openClassic(connection(2), null).number());
    }

    @Test
    void classicDisconnectSendsNothingToOthers() {
        RecordingConnection first = connection(1);
        RecordingConnection second = connection(2);
        Client one = hub().openClassic(first, null);
        Client two = hub().openClassic(second, null);
        first.forget();
        second.forget();
        assertEquals(2, hub().connectionCount());
        hub().disconnected(two, 1000);
        assertEquals(List.of(), first.texts(), "the seed sends nothing when a client leaves");
        assertEquals(1, hub().connectionCount());
        hub().classicText(one, "still here");
        assertEquals(List.of("Client(1) said: still here"), first.texts());
        assertEquals(List.of(), second.texts(), "a gone client is no longer in the audience");
    }

    @Test
    void classicTextOverTheMaximumClosesWithMessageTooBig() {
        config.put(Setting.MAX_MESSAGE_BYTES, "16");
        RecordingConnection first = connection(1);
        RecordingConnection second = connection(2);
        hub().openClassic(first, null);
        Client two = hub().openClassic(second, null);
        first.forget();
        hub().classicText(two, "\u00e9".repeat(9)); // 9 characters, 18 bytes
        assertEquals(List.of(Closure.MESSAGE_TOO_BIG), second.closures());
        assertEquals(List.of(), first.texts(), "the oversized text is not broadcast");
    }

    @Test
    void classicTextOverTheRateIsDropped() {
        config.put(Setting.RATE_PER_SECOND, "1");
        config.put(Setting.RATE_BURST, "2");
        RecordingConnection first = connection(1);
        Client one = hub().openClassic(first, null);
        first.forget();
        for (int i = 0; i < 10; i++) {
            hub().classicText(one, "m" + i);
        }
        List<String> texts = first.texts();
        assertTrue(texts.size() >= 2 && texts.size() < 10, texts.toString());
        assertEquals("Client(1) said: m0", texts.get(0));
        assertEquals("Client(1) said: m1", texts.get(1));
    }

    // ---- room endpoint: join ------------------------------------------------------------------------

    @Test
    void roomJoinWelcomesTheNewcomerAndTellsTheOthers() {
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");

        JsonObject annWelcome = annConnection.last();
        assertEquals("welcome", annWelcome.getString("type"));
        assertEquals("lobby", annWelcome.getString("room"));
        assertEquals(ann.member().id(), annWelcome.getJsonObject("you").getString("id"));
        assertEquals("ann", annWelcome.getJsonObject("you").getString("name"));
        assertEquals(List.of("ann"), names(annWelcome.get("members")));
        assertEquals(0, annWelcome.getJsonNumber("offset").longValue());
        assertEquals(25, annWelcome.getInt("heartbeatSeconds"));

        Client bob = join(bobConnection, "lobby", "bob");
        assertEquals(1, bobConnection.texts().size(), "the newcomer gets only its welcome");
        JsonObject bobWelcome = bobConnection.last();
        assertEquals("welcome", bobWelcome.getString("type"));
        assertEquals(List.of("ann", "bob"), names(bobWelcome.get("members")));
        assertEquals(bob.member().id(), bobWelcome.getJsonObject("you").getString("id"));

        assertEquals(2, annConnection.texts().size());
        JsonObject joined = annConnection.last();
        assertEquals("joined", joined.getString("type"));
        assertEquals("lobby", joined.getString("room"));
        assertEquals(bob.member().id(), joined.getJsonObject("member").getString("id"));
        assertEquals("bob", joined.getJsonObject("member").getString("name"));
        assertEquals(2, joined.getInt("count"));
    }

    @Test
    void welcomeCarriesTheConfiguredHeartbeatAndLatestOffset() {
        config.put(Setting.PING_SECONDS, "7");
        Client ann = join(connection(1), "lobby", "ann");
        hub().onFrame(ann, new Inbound.Publish("one", null, null));
        hub().onFrame(ann, new Inbound.Publish("two", null, null));
        RecordingConnection late = connection(2);
        join(late, "lobby", "late");
        JsonObject welcome = late.last();
        assertEquals(7, welcome.getInt("heartbeatSeconds"));
        assertEquals(2, welcome.getJsonNumber("offset").longValue());
    }

    @Test
    void roomsAreSeparate() {
        RecordingConnection lobby = connection(1);
        Client ann = join(lobby, "lobby", "ann");
        RecordingConnection other = connection(2);
        join(other, "other", "bob");
        assertEquals(1, lobby.texts().size(), "a join in another room is not announced here");
        hub().onFrame(ann, new Inbound.Publish("hi", null, null));
        assertEquals(1, other.texts().size(), "a message in another room is not delivered here");
    }

    @Test
    void defaultNameIsGuestNumberAndNamesAreTrimmed() {
        RecordingConnection guest = connection(1);
        Client client = join(guest, "lobby", null);
        assertEquals("guest-" + client.number(), client.member().name());
        assertEquals("guest-" + client.number(), guest.last().getJsonObject("you").getString("name"));
        assertEquals("guest-2", join(connection(2), "lobby", "   ").member().name());
        assertEquals("ann", join(connection(3), "lobby", "  ann  ").member().name());
    }

    @Test
    void memberIdsAreUnique() {
        Client a = join(connection(1), "lobby", "same");
        Client b = join(connection(2), "lobby", "same");
        Client c = join(connection(3), "other", "same");
        assertEquals(3, Set.of(a.member().id(), b.member().id(), c.member().id()).size());
    }

    @Test
    void invalidRoomClosesAndReturnsNull() {
        RecordingConnection connection = connection(1);
        assertNull(hub().joinRoom(connection, "no spaces", "ann", null));
        assertEquals(List.of(Closure.INVALID_ROOM), connection.closures());
        assertEquals(1008, Closure.INVALID_ROOM.code());
        assertEquals("invalid room", Closure.INVALID_ROOM.reason());
        assertEquals(List.of(), connection.texts());
        assertEquals(0, hub().connectionCount());
        assertNull(hub().joinRoom(connection(2), "r".repeat(65), "ann", null));
        assertNull(hub().joinRoom(connection(3), "", "ann", null));
    }

    @Test
    void tooLongNameClosesWithInvalidName() {
        RecordingConnection connection = connection(1);
        assertNull(hub().joinRoom(connection, "lobby", "n".repeat(33), null));
        assertEquals(List.of(Closure.INVALID_NAME), connection.closures());
        assertEquals(List.of(), connection.texts());
        assertEquals(0, hub().connectionCount());
        assertNotNull(hub().joinRoom(connection(2), "lobby", "n".repeat(32), null));
    }

    // ---- room endpoint: frames ----------------------------------------------------------------------

    @Test
    void publishIsDeliveredToAllWithIncreasingOffsets() {
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");
        Client bob = join(bobConnection, "lobby", "bob");
        annConnection.forget();
        bobConnection.forget();

        hub().onFrame(ann, new Inbound.Publish("one", null, null));
        hub().onFrame(bob, new Inbound.Publish("two", null, null));
        hub().onFrame(ann, new Inbound.Publish("three", null, null));

        for (RecordingConnection connection : List.of(annConnection, bobConnection)) {
            List<JsonObject> messages = connection.json();
            assertEquals(3, messages.size(), "no ack without ref: " + messages);
            for (int i = 0; i < 3; i++) {
                JsonObject message = messages.get(i);
                assertEquals("message", message.getString("type"));
                assertEquals("lobby", message.getString("room"));
                assertEquals(i + 1, message.getJsonNumber("offset").longValue());
                assertEquals(List.of("one", "two", "three").get(i), message.getString("text"));
                assertTrue(message.getString("ts").matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"),
                        message.getString("ts"));
            }
            assertEquals(ann.member().id(), messages.get(0).getJsonObject("from").getString("id"));
            assertEquals("ann", messages.get(0).getJsonObject("from").getString("name"));
            assertEquals(bob.member().id(), messages.get(1).getJsonObject("from").getString("id"));
        }
    }

    @Test
    void publishWithRefIsAcknowledgedToTheSenderOnlyAfterTheMessage() {
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");
        join(bobConnection, "lobby", "bob");
        hub().onFrame(ann, new Inbound.Publish("first", null, null));
        annConnection.forget();
        bobConnection.forget();

        hub().onFrame(ann, new Inbound.Publish("hello", "r-42", null));

        List<JsonObject> annFrames = annConnection.json();
        assertEquals(List.of("message", "ack"), annFrames.stream().map(f -> f.getString("type")).toList());
        assertEquals(2, annFrames.get(0).getJsonNumber("offset").longValue());
        JsonObject ack = annFrames.get(1);
        assertEquals("r-42", ack.getString("ref"));
        assertEquals(2, ack.getJsonNumber("offset").longValue());
        assertEquals(List.of("message"), bobConnection.json().stream().map(f -> f.getString("type")).toList());
    }

    @Test
    void presenceListsTheRoomsMembers() {
        RecordingConnection annConnection = connection(1);
        Client ann = join(annConnection, "lobby", "ann");
        join(connection(2), "lobby", "bob");
        join(connection(3), "other", "carol");
        annConnection.forget();
        hub().onFrame(ann, new Inbound.PresenceRequest());
        JsonObject presence = annConnection.last();
        assertEquals(1, annConnection.texts().size());
        assertEquals("presence", presence.getString("type"));
        assertEquals("lobby", presence.getString("room"));
        assertEquals(List.of("ann", "bob"), names(presence.get("members")));
    }

    @Test
    void pingIsAnsweredWithPong() {
        RecordingConnection connection = connection(1);
        Client ann = join(connection, "lobby", "ann");
        RecordingConnection other = connection(2);
        join(other, "lobby", "bob");
        connection.forget();
        other.forget();
        hub().onFrame(ann, new Inbound.Ping("p1"));
        hub().onFrame(ann, new Inbound.Ping(null));
        List<JsonObject> frames = connection.json();
        assertEquals(2, frames.size());
        assertEquals("pong", frames.get(0).getString("type"));
        assertEquals("p1", frames.get(0).getString("ref"));
        assertEquals("pong", frames.get(1).getString("type"));
        assertFalse(frames.get(1).containsKey("ref"), frames.get(1).toString());
        assertEquals(List.of(), other.texts(), "a pong goes to the pinger only");
    }

    @Test
    void rejectedFrameIsAnsweredWithAnErrorAndTheConnectionStaysOpen() {
        RecordingConnection connection = connection(1);
        Client ann = join(connection, "lobby", "ann");
        RecordingConnection other = connection(2);
        join(other, "lobby", "bob");
        connection.forget();
        other.forget();
        hub().onFrame(ann, new Inbound.Rejected(ErrorCode.UNKNOWN_TYPE, "type must be known", "r7"));
        hub().onFrame(ann, new Inbound.Rejected(ErrorCode.BAD_JSON, "not json", null));
        List<JsonObject> errors = connection.json();
        assertEquals(2, errors.size());
        assertEquals("error", errors.get(0).getString("type"));
        assertEquals("unknown_type", errors.get(0).getString("code"));
        assertEquals("type must be known", errors.get(0).getString("message"));
        assertEquals("r7", errors.get(0).getString("ref"));
        assertEquals("bad_json", errors.get(1).getString("code"));
        assertFalse(errors.get(1).containsKey("ref"));
        assertEquals(List.of(), connection.closures());
        assertEquals(List.of(), other.texts());
        hub().onFrame(ann, new Inbound.Publish("still here", null, null));
        assertEquals("message", connection.last().getString("type"));
    }

    @Test
    void tooBigFrameClosesWithMessageTooBig() {
        RecordingConnection connection = connection(1);
        Client ann = join(connection, "lobby", "ann");
        connection.forget();
        hub().onFrame(ann, new Inbound.TooBig());
        assertEquals(List.of(Closure.MESSAGE_TOO_BIG), connection.closures());
        assertEquals(1009, Closure.MESSAGE_TOO_BIG.code());
        assertEquals(List.of(), connection.texts());
    }

    @Test
    void publishOverTheRateGetsRateLimitedErrorAndIsNotBroadcast() {
        config.put(Setting.RATE_PER_SECOND, "1");
        config.put(Setting.RATE_BURST, "2");
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");
        join(bobConnection, "lobby", "bob");
        annConnection.forget();
        bobConnection.forget();
        int sent = 10;
        for (int i = 0; i < sent; i++) {
            hub().onFrame(ann, new Inbound.Publish("m" + i, "r" + i, null));
        }
        List<JsonObject> errors = annConnection.json("error");
        List<JsonObject> messages = bobConnection.json("message");
        assertFalse(errors.isEmpty(), "ten publishes at once with a burst of 2 must be limited");
        assertTrue(messages.size() >= 2, messages.toString());
        assertEquals(sent, errors.size() + messages.size(), "each publish is either broadcast or refused");
        for (JsonObject error : errors) {
            assertEquals("rate_limited", error.getString("code"));
            assertTrue(error.getString("ref").matches("r\\d"), error.toString());
        }
        Set<String> refused = errors.stream().map(e -> e.getString("ref")).collect(Collectors.toSet());
        Set<String> broadcast = messages.stream().map(m -> "r" + m.getString("text").substring(1))
                .collect(Collectors.toSet());
        assertTrue(refused.stream().noneMatch(broadcast::contains), "a refused publish was broadcast anyway");
        assertEquals(messages.size(), annConnection.json("ack").size(), "only broadcast publishes are acked");
        assertEquals(List.of(), annConnection.closures(), "limiting alone does not close");
    }

    @Test
    void binaryIsRelayedUnchangedToAllIncludingTheSender() {
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");
        join(bobConnection, "lobby", "bob");
        join(connection(3), "other", "carol");
        hub().relayBinary(ann, ByteBuffer.wrap("\u0001bytes".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("\u0001bytes"), annConnection.binaries());
        assertEquals(List.of("\u0001bytes"), bobConnection.binaries());
    }

    @Test
    void binaryOverTheMaximumClosesWithMessageTooBig() {
        config.put(Setting.MAX_MESSAGE_BYTES, "16");
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");
        join(bobConnection, "lobby", "bob");
        hub().relayBinary(ann, ByteBuffer.allocate(17));
        assertEquals(List.of(Closure.MESSAGE_TOO_BIG), annConnection.closures());
        assertEquals(List.of(), bobConnection.binaries());
    }

    // ---- limits -------------------------------------------------------------------------------------

    @Test
    void totalConnectionCapClosesWithTryAgainLater() {
        config.put(Setting.MAX_CONNECTIONS, "2");
        hub().openClassic(connection(1), null);
        join(connection(2), "lobby", "ann");
        RecordingConnection classic = connection(3);
        RecordingConnection room = connection(4);
        assertNull(hub().openClassic(classic, null));
        assertNull(hub().joinRoom(room, "lobby", "bob", null));
        assertEquals(List.of(Closure.TRY_AGAIN_LATER), classic.closures());
        assertEquals(List.of(Closure.TRY_AGAIN_LATER), room.closures());
        assertEquals(1013, Closure.TRY_AGAIN_LATER.code());
        assertEquals(List.of(), classic.texts());
        assertEquals(List.of(), room.texts());
        assertEquals(2, hub().connectionCount());
    }

    @Test
    void perAddressCapClosesWithTryAgainLater() {
        config.put(Setting.MAX_CONNECTIONS_PER_ADDRESS, "2");
        RecordingConnection third = new RecordingConnection("198.51.100.7");
        hub().openClassic(new RecordingConnection("198.51.100.7"), null);
        join(new RecordingConnection("198.51.100.7"), "lobby", "ann");
        assertNull(hub().openClassic(third, null));
        assertEquals(List.of(Closure.TRY_AGAIN_LATER), third.closures());
        assertNotNull(hub().openClassic(new RecordingConnection("198.51.100.8"), null), "another address is admitted");
    }

    @Test
    void unknownAddressesShareOnePerAddressCount() {
        config.put(Setting.MAX_CONNECTIONS_PER_ADDRESS, "1");
        hub().openClassic(new RecordingConnection(null), null);
        RecordingConnection second = new RecordingConnection(null);
        assertNull(hub().openClassic(second, null));
        assertEquals(List.of(Closure.TRY_AGAIN_LATER), second.closures());
    }

    @Test
    void disconnectFreesTheSlot() {
        config.put(Setting.MAX_CONNECTIONS, "1");
        Client ann = join(connection(1), "lobby", "ann");
        assertNull(hub().openClassic(connection(2), null));
        hub().disconnected(ann, 1000);
        assertEquals(0, hub().connectionCount());
        assertNotNull(hub().openClassic(connection(3), null));
    }

    @Test
    void disconnectIsCountedOnce() {
        config.put(Setting.MAX_CONNECTIONS, "2");
        Client ann = join(connection(1), "lobby", "ann");
        hub().openClassic(connection(2), null);
        hub().disconnected(ann, 1000);
        hub().disconnected(ann, 1000); // a second report must not free a second slot
        assertNotNull(hub().openClassic(connection(3), null));
        assertNull(hub().openClassic(connection(4), null));
    }

    // ---- leaving ------------------------------------------------------------------------------------

    @Test
    void disconnectTellsTheRoomWithReasonClosed() {
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        join(annConnection, "lobby", "ann");
        Client bob = join(bobConnection, "lobby", "bob");
        annConnection.forget();
        hub().disconnected(bob, 1000);
        assertEquals(1, annConnection.texts().size());
        JsonObject left = annConnection.last();
        assertEquals("left", left.getString("type"));
        assertEquals("lobby", left.getString("room"));
        assertEquals(bob.member().id(), left.getJsonObject("member").getString("id"));
        assertEquals("bob", left.getJsonObject("member").getString("name"));
        assertEquals("closed", left.getString("reason"));
        assertEquals(1, left.getInt("count"));
        assertEquals(List.of(), bobConnection.json("left"), "the leaver is not told");
    }

    @Test
    void leaveReasonFollowsTheHubsClosure() {
        RecordingConnection annConnection = connection(1);
        join(annConnection, "lobby", "ann");
        Client bob = join(connection(2), "lobby", "bob");
        hub().onFrame(bob, new Inbound.TooBig());
        hub().disconnected(bob, 1000);
        assertEquals("policy", annConnection.last().getString("reason"));
    }

    @Test
    void anEmptiedRoomKeepsItsOffsetsAndEpochForItsHistoryTime() {
        RecordingConnection annConnection = connection(1);
        Client ann = join(annConnection, "lobby", "ann");
        String epoch = annConnection.last().getString("epoch");
        hub().onFrame(ann, new Inbound.Publish("one", null, null));
        hub().disconnected(ann, 1000);
        RecordingConnection next = connection(2);
        join(next, "lobby", "bob");
        JsonObject welcome = next.last();
        assertEquals(List.of("bob"), names(welcome.get("members")), "the members start over");
        assertEquals(1, welcome.getJsonNumber("offset").longValue(), "the offsets go on");
        assertEquals(epoch, welcome.getString("epoch"));
    }

    @Test
    void aFailedWriteClosesTheConnectionAndTheRoomHearsError() {
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");
        Client bob = join(bobConnection, "lobby", "bob");
        bobConnection.failing = true;
        hub().onFrame(ann, new Inbound.Publish("hello", null, null));
        assertEquals(List.of(Closure.CONNECTION_FAILED), bobConnection.closures(), "closed at once, not at the idle sweep");
        hub().disconnected(bob, 1000); // the container then reports the close
        JsonObject left = annConnection.last();
        assertEquals("left", left.getString("type"));
        assertEquals("error", left.getString("reason"));
    }

    @Test
    void aFailureTheContainerReportsClosesTheConnection() {
        RecordingConnection bobConnection = connection(2);
        Client bob = join(bobConnection, "lobby", "bob");
        hub().failed(bob, new java.io.IOException("connection reset"));
        assertEquals(List.of(Closure.CONNECTION_FAILED), bobConnection.closures());
    }

    /**
     * Issue 13, item 2: with the defaults, one member's burst of its largest messages (rate-burst of them, each as
     * large as max-message-bytes allows) fits in every reader's queue at once, even in readers whose transport has
     * taken nothing yet (a stalled write: the queue holds all of it). With protocol 1.1's 1 MiB it did not.
     */
    @Test
    void underTheDefaultsABurstOfTheLargestMessagesFitsEveryReadersQueue() {
        dev.herald.config.HeraldSettings defaults = dev.herald.config.HeraldSettings.defaults();
        RecordingConnection publisherConnection = connection(1);
        Client publisher = join(publisherConnection, "lobby", "publisher");
        List<RecordingConnection> readers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecordingConnection reader = new RecordingConnection("192.0.2." + (10 + i), true);
            join(reader, "lobby", "reader" + i);
            readers.add(reader);
        }
        String text = "x".repeat(defaults.maxMessageBytes() - "{\"type\":\"publish\",\"text\":\"\"}".length());
        for (int i = 0; i < defaults.rateBurst(); i++) {
            hub().onFrame(publisher, new Inbound.Publish(text, null, null));
        }
        for (RecordingConnection reader : readers) {
            assertTrue(reader.closures().isEmpty(), "a reader closed by a burst within the limits: " + reader.closures());
        }
        assertEquals(0, hub().counters().slowDisconnects());
        assertTrue(defaults.burstExceedsQueue().isEmpty(), "the defaults fit together");
    }

    @Test
    void aSlowConsumerIsCountedOnlyWhenItsOverflowIsWhatClosedIt() {
        config.put(Setting.QUEUE_BYTES, "1024");
        RecordingConnection healthyConnection = connection(1);
        RecordingConnection stalledConnection = new RecordingConnection("192.0.2.99", true);
        Client healthy = join(healthyConnection, "lobby", "healthy");
        Client slow = join(stalledConnection, "lobby", "slow");
        slow.markClosing(Closure.IDLE_TIMEOUT); // already closing for another reason when its queue overflows
        for (int i = 0; i < 20; i++) {
            hub().onFrame(healthy, new Inbound.Publish("x".repeat(200), null, null));
        }
        assertEquals(0, hub().counters().slowDisconnects());
    }

    @Test
    void slowConsumerIsClosedWhileHealthyMembersKeepReceiving() {
        config.put(Setting.QUEUE_BYTES, "1024");
        RecordingConnection healthyConnection = connection(1);
        RecordingConnection stalledConnection = new RecordingConnection("192.0.2.99", true);
        Client healthy = join(healthyConnection, "lobby", "healthy");
        Client slow = join(stalledConnection, "lobby", "slow");
        healthyConnection.forget();

        String text = "x".repeat(200);
        int published = 20; // about 5 KB each for both queues: far over the slow one's 1024 bytes
        for (int i = 0; i < published; i++) {
            hub().onFrame(healthy, new Inbound.Publish(text, null, null));
        }

        assertEquals(List.of(Closure.SLOW_CONSUMER), stalledConnection.closures());
        assertEquals(4000, Closure.SLOW_CONSUMER.code());
        assertEquals("slow consumer", Closure.SLOW_CONSUMER.reason());
        assertEquals(1, stalledConnection.texts().size(), "only the welcome ever started on the stalled socket");
        List<JsonObject> messages = healthyConnection.json("message");
        assertEquals(published, messages.size());
        for (int i = 0; i < published; i++) {
            assertEquals(i + 1, messages.get(i).getJsonNumber("offset").longValue());
        }

        // The container then reports the close; the room hears that the member was slow.
        hub().disconnected(slow, 1000);
        JsonObject left = healthyConnection.last();
        assertEquals("left", left.getString("type"));
        assertEquals(slow.member().id(), left.getJsonObject("member").getString("id"));
        assertEquals("slow", left.getString("reason"));
        assertEquals(1, left.getInt("count"));

        hub().onFrame(healthy, new Inbound.Publish("after", null, null));
        assertEquals("after", healthyConnection.last().getString("text"));
        assertEquals(List.of(), healthyConnection.closures());
    }

    @Test
    void slowClassicConsumerIsClosedToo() {
        config.put(Setting.QUEUE_BYTES, "1024");
        RecordingConnection healthyConnection = connection(1);
        RecordingConnection stalledConnection = new RecordingConnection("192.0.2.99", true);
        Client healthy = hub().openClassic(healthyConnection, null);
        hub().openClassic(stalledConnection, null);
        for (int i = 0; i < 20; i++) {
            hub().classicText(healthy, "y".repeat(200));
        }
        assertEquals(List.of(Closure.SLOW_CONSUMER), stalledConnection.closures());
        assertEquals(2 + 20, healthyConnection.texts().size());
        assertEquals(List.of(), healthyConnection.closures());
    }

    // ---- closing the hub ----------------------------------------------------------------------------

    @Test
    void closeClosesEveryConnectionWithGoingAwayAndStopsTheHeartbeat() throws InterruptedException {
        RecordingConnection classic = connection(1);
        RecordingConnection room = connection(2);
        hub().openClassic(classic, null);
        Client member = join(room, "lobby", "ann");
        String id = member.member().id();
        String threadName = "herald-heartbeat-" + id.substring(0, id.lastIndexOf('-'));
        Thread heartbeat = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(threadName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + threadName + " while the hub runs"));
        assertTrue(heartbeat.isDaemon(), "the heartbeat must not keep the JVM alive");

        hub().close();

        assertEquals(List.of(Closure.GOING_AWAY), classic.closures());
        assertEquals(List.of(Closure.GOING_AWAY), room.closures());
        assertEquals(1001, Closure.GOING_AWAY.code());
        // The executor has terminated; the thread itself may need a moment to leave run().
        heartbeat.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(heartbeat.isAlive(), threadName + " still runs after close()");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(threadName)),
                "a " + threadName + " thread is still listed");
        hub().close(); // closing twice is harmless, and @AfterEach will do it a third time
        assertEquals(List.of(Closure.GOING_AWAY), classic.closures(), "a connection is closed once");
    }

    @Test
    void hubsHaveDistinctNodeIds() {
        String first = join(connection(1), "lobby", "ann").member().id();
        try (Hub other = Hub.start(SettingsLoader.load(config::get))) {
            Client client = other.joinRoom(connection(2), "lobby", "ann", null);
            assertNotEquals(first, client.member().id(), "member ids are unique across nodes");
        }
    }

    @Test
    void closingAClientTwiceClosesItsConnectionOnce() {
        RecordingConnection connection = connection(1);
        Client ann = join(connection, "lobby", "ann");
        hub().close(ann, Closure.RATE_LIMIT_ABUSE);
        hub().close(ann, Closure.NORMAL);
        assertEquals(List.of(Closure.RATE_LIMIT_ABUSE), connection.closures());
    }

    @Test
    void framesAfterTheHubClosedAClientAreNotWritten() {
        RecordingConnection connection = connection(1);
        Client ann = join(connection, "lobby", "ann");
        RecordingConnection other = connection(2);
        Client bob = join(other, "lobby", "bob");
        hub().close(ann, Closure.NORMAL);
        connection.forget();
        hub().onFrame(bob, new Inbound.Publish("hi", null, null));
        assertEquals(List.of(), connection.texts());
        assertEquals(1, other.json("message").size());
    }

    @Test
    void heartbeatPingsAreSentThroughTheQueue() {
        RecordingConnection connection = connection(1);
        Client ann = join(connection, "lobby", "ann");
        hub().pingSlice((int) (ann.number() % 10), 10);
        assertEquals(1, connection.pings);
    }

    @Test
    void aPingRoundReachesEveryClientOnceSpreadOverItsSlices() {
        List<RecordingConnection> connections = new java.util.ArrayList<>();
        List<Client> members = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            RecordingConnection connection = connection(i + 1);
            connections.add(connection);
            members.add(join(connection, "lobby", "m" + i));
        }
        int busiestSlice = 0;
        for (int slice = 0; slice < 10; slice++) {
            int before = connections.stream().mapToInt(c -> c.pings).sum();
            hub().pingSlice(slice, 10);
            int sent = connections.stream().mapToInt(c -> c.pings).sum() - before;
            busiestSlice = Math.max(busiestSlice, sent);
            for (int i = 0; i < members.size(); i++) {
                boolean inThisSliceOrBefore = members.get(i).number() % 10 <= slice;
                assertEquals(inThisSliceOrBefore ? 1 : 0, connections.get(i).pings, "m" + i + " after slice " + slice);
            }
        }
        assertEquals(3, busiestSlice, "25 clients with consecutive numbers: at most 3 in a slice, not 25 at once");
    }

    @Test
    void idleSweepClosesOnlySilentConnections() {
        RecordingConnection connection = connection(1);
        join(connection, "lobby", "ann");
        hub().closeIdle(TimeUnit.HOURS.toNanos(1));
        assertEquals(List.of(), connection.closures());
        hub().closeIdle(-1); // everyone was last heard more than -1 ns ago
        assertEquals(List.of(Closure.IDLE_TIMEOUT), connection.closures());
    }

    // ---- the server control -----------------------------------------------------------------------

    @Test
    void closedAdmissionRefusesNewcomersWith1013AndLeavesTheOpenOnesAlone() {
        RecordingConnection open = connection(1);
        Client member = join(open, "lobby", "ann");
        hub().control().denyNewConnections();
        assertFalse(hub().control().admissionOpen());
        RecordingConnection late = connection(2);
        assertNull(hub().joinRoom(late, "lobby", "bob", null));
        assertEquals(List.of(Closure.TRY_AGAIN_LATER), late.closures());
        RecordingConnection classicLate = connection(3);
        assertNull(hub().openClassic(classicLate, null));
        assertEquals(List.of(Closure.TRY_AGAIN_LATER), classicLate.closures());
        assertTrue(open.closures().isEmpty(), "the open connection is left alone");
        hub().control().allowNewConnections();
        join(connection(4), "lobby", "cy");
        assertNotNull(member);
    }

    @Test
    void anAdminDisconnectClosesOneClientWith1008ByItsId() {
        RecordingConnection annConnection = connection(1);
        RecordingConnection bobConnection = connection(2);
        Client ann = join(annConnection, "lobby", "ann");
        join(bobConnection, "lobby", "bob");
        assertTrue(hub().control().disconnect(ann.id()).toCompletableFuture().join());
        assertEquals(List.of(Closure.DISCONNECTED_BY_ADMIN), annConnection.closures());
        assertTrue(bobConnection.closures().isEmpty());
        assertFalse(hub().control().disconnect("no-such-id").toCompletableFuture().join());
    }

    @Test
    void aUnicastReachesOnlyTheClientNamed() {
        RecordingConnection classic = connection(1);
        RecordingConnection other = connection(2);
        hub().openClassic(classic, null);
        hub().openClassic(other, null);
        RecordingConnection member = connection(3);
        Client ann = join(member, "lobby", "ann");
        String classicId = hub().control().clients(null).toCompletableFuture().join().stream()
                .filter(c -> c.endpoint().equals(ClientInfo.CLASSIC)).map(ClientInfo::id)
                .min((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b))).orElseThrow();
        int before = other.texts().size();
        assertTrue(hub().control().send(classicId, "psst").toCompletableFuture().join());
        assertEquals("psst", classic.texts().get(classic.texts().size() - 1));
        assertEquals(before, other.texts().size(), "the other classic client heard nothing");
        assertTrue(hub().control().send(ann.id(), "for ann").toCompletableFuture().join());
        String direct = member.texts().get(member.texts().size() - 1);
        assertTrue(direct.contains("\"type\":\"direct\"") && direct.contains("for ann"), direct);
    }
}
