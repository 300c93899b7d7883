package dev.herald.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.broker.Draft;
import dev.herald.broker.History;
import dev.herald.broker.BrokerSink;
import dev.herald.broker.MemoryBroker;
import dev.herald.broker.PresenceChange;
import dev.herald.broker.Published;
import dev.herald.config.HeraldSettings;
import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.Fanout;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Inbound;
import dev.herald.protocol.LeaveReason;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resume decisions of protocol.md §6, on a real hub with its memory broker. */
class ResumeTest extends LiveHubTest {

    /** Ann joins {@code lobby} and publishes {@code count} messages; returns the room's epoch. */
    private String roomWithMessages(int count) {
        RecordingConnection annConnection = new RecordingConnection("192.0.2.1");
        Client ann = hub().joinRoom(annConnection, "lobby", "ann", null);
        for (int i = 1; i <= count; i++) {
            hub().onFrame(ann, new Inbound.Publish("m" + i, null, null));
        }
        return annConnection.json("welcome").get(0).getString("epoch");
    }

    private RecordingConnection resume(String since, String epoch) {
        RecordingConnection connection = new RecordingConnection("192.0.2.2");
        hub().joinRoom(connection, "lobby", "bob", null, Resume.of(since, epoch));
        return connection;
    }

    private static List<Long> messageOffsets(RecordingConnection connection) {
        return connection.json("message").stream().map(m -> m.getJsonNumber("offset").longValue()).toList();
    }

    @Test
    void aPlainJoinHasAnEpochAndNoRecoveryFields() {
        roomWithMessages(2);
        RecordingConnection plain = new RecordingConnection("192.0.2.3");
        hub().joinRoom(plain, "lobby", "cat", null);
        JsonObject welcome = plain.json().get(0);
        assertEquals("welcome", welcome.getString("type"));
        assertFalse(welcome.getString("epoch").isEmpty());
        assertFalse(welcome.containsKey("recovered"));
        assertFalse(welcome.containsKey("missed"));
        assertEquals(2, welcome.getJsonNumber("offset").longValue());
    }

    @Test
    void anExactResumeReplaysTheMissedMessagesAfterTheWelcome() {
        String epoch = roomWithMessages(5);
        RecordingConnection bob = resume("2", epoch);
        List<JsonObject> frames = bob.json();
        JsonObject welcome = frames.get(0);
        assertEquals("welcome", welcome.getString("type"), "the welcome comes first");
        assertTrue(welcome.getBoolean("recovered"));
        assertEquals(3, welcome.getInt("missed"));
        assertEquals(epoch, welcome.getString("epoch"));
        assertEquals(List.of(3L, 4L, 5L), messageOffsets(bob));
        assertEquals(List.of("m3", "m4", "m5"), bob.json("message").stream().map(m -> m.getString("text")).toList());
    }

    @Test
    void aResumeAtTheLatestOffsetRecoversNothing() {
        String epoch = roomWithMessages(4);
        RecordingConnection bob = resume("4", epoch);
        JsonObject welcome = bob.json().get(0);
        assertTrue(welcome.getBoolean("recovered"));
        assertEquals(0, welcome.getInt("missed"));
        assertEquals(List.of(), messageOffsets(bob));
    }

    @Test
    void aWrongEpochIsNotRecoveredAndReplaysNothing() {
        roomWithMessages(3);
        RecordingConnection bob = resume("1", "another-epoch");
        JsonObject welcome = bob.json().get(0);
        assertFalse(welcome.getBoolean("recovered"));
        assertFalse(welcome.containsKey("missed"));
        assertEquals(3, welcome.getJsonNumber("offset").longValue(), "the current offset, to start again from");
        assertNotEquals("another-epoch", welcome.getString("epoch"));
        assertEquals(List.of(), messageOffsets(bob));
    }

    @Test
    void aResumeFromMessagesNoLongerKeptIsNeverPartial() {
        config.put(Setting.HISTORY_SIZE, "3");
        String epoch = roomWithMessages(6);
        RecordingConnection tooOld = resume("2", epoch); // 3 is gone: only 4, 5 and 6 are kept
        assertFalse(tooOld.json().get(0).getBoolean("recovered"));
        assertEquals(List.of(), messageOffsets(tooOld));
        RecordingConnection justKept = resume("3", epoch);
        assertTrue(justKept.json().get(0).getBoolean("recovered"));
        assertEquals(List.of(4L, 5L, 6L), messageOffsets(justKept));
    }

    @Test
    void moreMissedThanRecoveryMaxIsNotRecovered() {
        config.put(Setting.RECOVERY_MAX, "2");
        String epoch = roomWithMessages(5);
        assertFalse(resume("2", epoch).json().get(0).getBoolean("recovered"), "3 missed, at most 2 replayed");
        RecordingConnection two = resume("3", epoch);
        assertTrue(two.json().get(0).getBoolean("recovered"));
        assertEquals(List.of(4L, 5L), messageOffsets(two));
    }

    @Test
    void anOffsetAheadOfTheRoomOrMalformedIsNotRecovered() {
        String epoch = roomWithMessages(2);
        assertFalse(resume("9", epoch).json().get(0).getBoolean("recovered"), "an offset the room never had");
        assertFalse(resume("x", epoch).json().get(0).getBoolean("recovered"), "not a number");
        assertFalse(resume("-1", epoch).json().get(0).getBoolean("recovered"), "negative");
        assertFalse(resume("1", null).json().get(0).getBoolean("recovered"), "no epoch");
    }

    /**
     * One room on a real memory broker and delivery engine, driven step by step, so that a test can act while a
     * resume is half done (as when a networked broker is still reading the history).
     */
    private static final class SteppedRoom implements AutoCloseable {
        final Delivery delivery = new Delivery(0, "t");
        final MemoryBroker broker = new MemoryBroker(100, 300, "t");
        final Room room = new Room("r", FrameCodec.shared());
        final Clients clients;

        SteppedRoom(HeraldSettings settings) {
            clients = new Clients(settings, delivery, FrameCodec.shared(), "t", client -> { });
            broker.start(new BrokerSink() {
                @Override
                public void deliver(Published published) {
                    Fanout<Client> fanout = new Fanout<>();
                    room.deliver(published, fanout);
                    delivery.finish(fanout, client -> { });
                }

                @Override
                public void presence(String roomName, PresenceChange change) {
                    throw new AssertionError("one node has no other node's members");
                }

                @Override
                public void binary(String roomName, java.nio.ByteBuffer data) {
                    throw new AssertionError("no binary data here");
                }

                @Override
                public void classic(String text) {
                    throw new AssertionError("no classic client here");
                }

                @Override
                public String answer(String question) {
                    throw new AssertionError("one node: nobody asks");
                }
            });
        }

        Client member(int number, RecordingConnection connection, boolean resuming, List<Room.Position> at) {
            Client client = clients.create(number, connection, room, "m" + number);
            Fanout<Client> fanout = new Fanout<>();
            at.add(room.join(client, broker, 25, resuming, fanout));
            delivery.finish(fanout, overflowed -> { });
            return client;
        }

        void publish(Client from, String text) {
            broker.publish("r", new Draft(from.member(), text, "2026-11-29T00:00:00.000Z", null));
        }

        /** Completes {@code client}'s resume from {@code since}; returns the clients the slow-consumer policy met. */
        List<Client> finishResume(Client client, Room.Position at, long since) {
            return finishResume(client, at, since, broker.history("r", since, 100).toCompletableFuture().join());
        }

        /** As above, with what the broker is made to have read. */
        List<Client> finishResume(Client client, Room.Position at, long since, History history) {
            Fanout<Client> fanout = new Fanout<>();
            room.finishResume(client, at, since, true, history, 1000, 25, fanout);
            List<Client> slow = new ArrayList<>();
            delivery.finish(fanout, slow::add);
            return slow;
        }

        @Override
        public void close() {
            broker.close();
            delivery.close();
        }
    }

    @Test
    void aResumeThatFindsTheBrokerInANewEpochMovesTheRoomToIt() {
        // On a cluster, Redis may lose a room's history while this node's room still holds the old epoch (no
        // message of the new one has arrived): the resume's read is the first to tell.
        try (SteppedRoom stepped = new SteppedRoom(HeraldSettings.defaults())) {
            List<Room.Position> at = new ArrayList<>();
            RecordingConnection annConnection = new RecordingConnection("192.0.2.1");
            Client ann = stepped.member(1, annConnection, false, at);
            for (int i = 1; i <= 3; i++) {
                stepped.publish(ann, "m" + i);
            }
            RecordingConnection bobConnection = new RecordingConnection("192.0.2.2");
            Client bob = stepped.member(2, bobConnection, true, at);
            stepped.finishResume(bob, at.get(1), 2, new History("fresh", 0, List.of()));

            JsonObject welcome = bobConnection.json().get(0);
            assertEquals("fresh", welcome.getString("epoch"), "the broker's epoch, not the room's stale one");
            assertEquals(0, welcome.getJsonNumber("offset").longValue());
            assertFalse(welcome.getBoolean("recovered"));
            assertEquals(List.of(), annConnection.closures(), "the members already there stay");
        }
    }

    @Test
    void messagesPublishedWhileTheHistoryIsReadFollowTheReplayOnceInOrder() {
        try (SteppedRoom stepped = new SteppedRoom(HeraldSettings.defaults())) {
            List<Room.Position> at = new ArrayList<>();
            Client ann = stepped.member(1, new RecordingConnection("192.0.2.1"), false, at);
            for (int i = 1; i <= 3; i++) {
                stepped.publish(ann, "m" + i);
            }
            RecordingConnection bobConnection = new RecordingConnection("192.0.2.2");
            Client bob = stepped.member(2, bobConnection, true, at);
            // The history is being read (as over a network) while two more messages arrive: they are held.
            stepped.publish(ann, "m4");
            stepped.publish(ann, "m5");
            assertEquals(List.of(), bobConnection.texts(), "nothing reaches a resuming client before its welcome");
            assertEquals(List.of(), stepped.finishResume(bob, at.get(1), 1));

            JsonObject welcome = bobConnection.json().get(0);
            assertTrue(welcome.getBoolean("recovered"));
            assertEquals(2, welcome.getInt("missed"), "the missed ones are those before the join: 2 and 3");
            assertEquals(3, welcome.getJsonNumber("offset").longValue());
            assertEquals(List.of(2L, 3L, 4L, 5L), messageOffsets(bobConnection), "no gap, no duplicate");
        }
    }

    @Test
    void aResumingClientThatLeavesBeforeItsHistoryArrivesGetsNothing() {
        try (SteppedRoom stepped = new SteppedRoom(HeraldSettings.defaults())) {
            List<Room.Position> at = new ArrayList<>();
            RecordingConnection bobConnection = new RecordingConnection("192.0.2.2");
            Client bob = stepped.member(2, bobConnection, true, at);
            stepped.room.leave(bob, LeaveReason.CLOSED, stepped.broker, new Fanout<>());
            assertEquals(List.of(), stepped.finishResume(bob, at.get(0), 0));
            assertEquals(List.of(), bobConnection.texts());
        }
    }

    @Test
    void framesHeldDuringAResumeCountAgainstTheQueueBudget() {
        try (SteppedRoom stepped = new SteppedRoom(SettingsLoader.load(Map.of(Setting.QUEUE_BYTES, "1024")::get))) {
            List<Room.Position> at = new ArrayList<>();
            RecordingConnection bobConnection = new RecordingConnection("192.0.2.2");
            Client bob = stepped.member(2, bobConnection, true, at);
            for (int i = 0; i < 10; i++) { // about 1 700 bytes of messages while bob's history is being read
                stepped.publish(bob, "x".repeat(100));
            }
            assertEquals(List.of(bob), stepped.finishResume(bob, at.get(0), 0),
                    "the slow-consumer policy applies, as to a queue over its budget");
            assertEquals(List.of(), bobConnection.texts(), "nothing partial was sent");
        }
    }
}
