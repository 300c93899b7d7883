package dev.herald.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The memory broker's order, history ring (eviction by size and by age) and epochs, on a clock the test moves. */
class MemoryBrokerTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Member ANN = new Member("n-1", "ann");

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final List<Published> delivered = new ArrayList<>();
    private final List<String> classicTexts = new ArrayList<>();
    private final List<String> binaries = new ArrayList<>();

    private MemoryBroker broker(int size, int seconds) {
        MemoryBroker broker = new MemoryBroker(size, seconds * SECOND, now::get, null);
        broker.start(new BrokerSink() {
            @Override
            public void deliver(Published message) {
                delivered.add(message);
            }

            @Override
            public void presence(String room, PresenceChange change) {
                throw new AssertionError("one node has no other node's members: " + change);
            }

            @Override
            public void binary(String room, java.nio.ByteBuffer data) {
                binaries.add(room + ":" + data.remaining());
            }

            @Override
            public void classic(String text) {
                classicTexts.add(text);
            }

            @Override
            public String answer(String question) {
                throw new AssertionError("one node: nobody asks");
            }
        });
        return broker;
    }

    private static RoomState publish(MemoryBroker broker, String room, String text) {
        return broker.publish(room, new Draft(ANN, text, "2026-11-29T00:00:00.000Z", null)).toCompletableFuture().join();
    }

    private static List<Long> offsets(History history) {
        return history.messages().stream().map(Outbound.Message::offset).toList();
    }

    @Test
    void offsetsCountFromOnePerRoomAndEveryMessageIsDeliveredInOrder() {
        MemoryBroker broker = broker(10, 60);
        assertEquals(1, publish(broker, "a", "x").offset());
        assertEquals(2, publish(broker, "a", "y").offset());
        assertEquals(1, publish(broker, "b", "z").offset(), "rooms have their own offsets");
        assertEquals(List.of("a:1", "a:2", "b:1"),
                delivered.stream().map(p -> p.room() + ":" + p.offset()).toList());
        assertNotEquals(broker.subscribe("a").at().epoch(), broker.subscribe("b").at().epoch(), "each room has its own epoch");
    }

    @Test
    void historyKeepsTheNewestMessagesUpToItsSize() {
        MemoryBroker broker = broker(3, 60);
        for (int i = 1; i <= 5; i++) {
            publish(broker, "a", "m" + i);
        }
        History all = broker.history("a", 0, 100).toCompletableFuture().join();
        assertEquals(List.of(3L, 4L, 5L), offsets(all));
        assertEquals(5, all.latest());
        assertEquals(List.of(4L, 5L), offsets(broker.history("a", 3, 100).toCompletableFuture().join()));
        assertEquals(List.of(4L), offsets(broker.history("a", 3, 1).toCompletableFuture().join()), "at most limit");
        assertEquals(List.of(), offsets(broker.history("a", 5, 100).toCompletableFuture().join()));
    }

    @Test
    void messagesOlderThanTheHistoryTimeAreEvicted() {
        MemoryBroker broker = broker(100, 60);
        broker.subscribe("a").at();
        publish(broker, "a", "old");
        now.addAndGet(40 * SECOND);
        publish(broker, "a", "new");
        now.addAndGet(30 * SECOND); // "old" is 70 s old, "new" 30 s
        History history = broker.history("a", 0, 100).toCompletableFuture().join();
        assertEquals(List.of(2L), offsets(history));
        assertEquals(2, history.latest(), "offsets go on while the room lives");
    }

    @Test
    void anEmptyRoomKeepsItsEpochForTheHistoryTimeThenStartsANewOne() {
        MemoryBroker broker = broker(100, 60);
        RoomState first = broker.subscribe("a").at();
        publish(broker, "a", "x");
        broker.unsubscribe("a");
        now.addAndGet(59 * SECOND);
        broker.sweep();
        RoomState kept = broker.subscribe("a").at();
        assertEquals(first.epoch(), kept.epoch());
        assertEquals(1, kept.offset());
        broker.unsubscribe("a");
        now.addAndGet(60 * SECOND);
        broker.sweep();
        assertEquals(0, broker.rooms(), "the sweeper forgot the expired room");
        RoomState fresh = broker.subscribe("a").at();
        assertNotEquals(first.epoch(), fresh.epoch(), "its history was lost: a new epoch");
        assertEquals(0, fresh.offset());
    }

    @Test
    void aRoomWithMembersNeverExpires() {
        MemoryBroker broker = broker(100, 60);
        RoomState state = broker.subscribe("a").at();
        now.addAndGet(3_600 * SECOND);
        broker.sweep();
        assertEquals(state.epoch(), broker.subscribe("a").at().epoch());
    }

    @Test
    void aZeroSizeHistoryKeepsOffsetsButNoMessages() {
        MemoryBroker broker = broker(0, 60);
        publish(broker, "a", "x");
        History history = broker.history("a", 0, 10).toCompletableFuture().join();
        assertEquals(List.of(), offsets(history));
        assertEquals(1, history.latest());
    }

    @Test
    void oneNodeDeliversClassicTextsAndBinaryDataAtOnceAndNumbersClassicClientsItself() {
        MemoryBroker broker = broker(10, 60);
        broker.classic("Hey all, a new client has joined us");
        broker.relay("a", java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).toCompletableFuture().join();
        assertEquals(List.of("Hey all, a new client has joined us"), classicTexts);
        assertEquals(List.of("a:3"), binaries);
        long[] next = {41};
        assertEquals(42, broker.classicNumber(() -> ++next[0]), "one node numbers its own connections");
    }

    @Test
    void aClaimedKeyAnswersPendingThenItsAnswerUntilItExpires() {
        AtomicLong now = new AtomicLong();
        MemoryBroker broker = new MemoryBroker(10, 60 * SECOND, now::get, null);
        assertEquals(Optional.empty(), broker.claim("k", 1_000).toCompletableFuture().join(), "claimed");
        assertEquals(Optional.of(Broker.PENDING), broker.claim("k", 1_000).toCompletableFuture().join());
        broker.settle("k", "epoch 7", 1_000);
        assertEquals(Optional.of("epoch 7"), broker.claim("k", 1_000).toCompletableFuture().join());
        assertEquals(Optional.empty(), broker.claim("other", 1_000).toCompletableFuture().join());
        now.addAndGet(SECOND + 1);
        assertEquals(Optional.empty(), broker.claim("k", 1_000).toCompletableFuture().join(), "expired: claimed anew");
    }

    @Test
    void aFailedRequestReleasesItsKeySoThatARetryActs() {
        MemoryBroker broker = new MemoryBroker(10, 60 * SECOND, () -> 0, null);
        assertEquals(Optional.empty(), broker.claim("k", 1_000).toCompletableFuture().join());
        broker.settle("k", null, 1_000);
        assertEquals(Optional.empty(), broker.claim("k", 1_000).toCompletableFuture().join());
    }
}
