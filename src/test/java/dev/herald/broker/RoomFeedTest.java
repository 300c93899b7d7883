package dev.herald.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A Redis node's feed of one room: a publisher's ack follows its own message, also when the publish began a new
 * epoch that the feed reaches only with that message (Redis had lost the room), and an ack of an epoch the feed has
 * left completes at once.
 */
class RoomFeedTest {

    private static final Member ANN = new Member("n1-1", "ann");

    /** What the feed delivered, and the acks completed, in one order. */
    private final List<String> events = new ArrayList<>();

    private final BrokerSink sink = new BrokerSink() {
        @Override
        public void deliver(Published message) {
            events.add("deliver " + message.epoch() + " " + message.offset());
        }

        @Override
        public void presence(String room, PresenceChange change) {
        }

        @Override
        public void binary(String room, ByteBuffer data) {
        }

        @Override
        public void classic(String text) {
        }

        @Override
        public String answer(String question) {
            throw new AssertionError("no questions here");
        }
    };

    private final RoomFeed feed = new RoomFeed("lobby", sink, (feed, since) -> {
        throw new AssertionError("no gap in these tests, so no repair");
    });

    private static Published message(String epoch, long offset) {
        return new Published(epoch, new Outbound.Message("lobby", offset, ANN, "m" + offset, "t", null));
    }

    private CompletableFuture<RoomState> ack(String epoch, long offset) {
        CompletableFuture<RoomState> ack = new CompletableFuture<>();
        ack.thenAccept(at -> events.add("ack " + at.epoch() + " " + at.offset()));
        feed.afterDelivery(new RoomState(epoch, offset), ack);
        return ack;
    }

    @Test
    void anAckFollowsItsMessageInTheSameEpoch() {
        feed.start(new RoomState("e1", 5), 0, List.of());
        CompletableFuture<RoomState> ack = ack("e1", 6);
        assertFalse(ack.isDone());
        feed.onMessage(message("e1", 6));
        assertEquals(List.of("deliver e1 6", "ack e1 6"), events);
    }

    @Test
    void anAckOfAPublishThatBeganANewEpochWaitsForItsMessage() {
        feed.start(new RoomState("e1", 5), 0, List.of());
        CompletableFuture<RoomState> ack = ack("e2", 1); // Redis lost the room; this publish began epoch e2
        assertFalse(ack.isDone(), "offset 1 of e1 was delivered long ago, but this is e2's offset 1");
        feed.onMessage(message("e2", 1));
        assertEquals(List.of("deliver e2 1", "ack e2 1"), events);
        assertTrue(ack("e1", 9).isDone(), "e1 is left: its messages will not come any more");
    }

    @Test
    void closingCompletesEveryWaitingAck() {
        feed.start(new RoomState("e1", 5), 0, List.of());
        CompletableFuture<RoomState> here = ack("e1", 7);
        CompletableFuture<RoomState> ahead = ack("e3", 1);
        feed.close();
        assertTrue(here.isDone() && ahead.isDone());
    }
}
