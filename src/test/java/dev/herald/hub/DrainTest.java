package dev.herald.hub;

import dev.herald.delivery.Connection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import dev.herald.protocol.Closure;
import dev.herald.protocol.Inbound;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checks the graceful drain: 1012 after the pending frames, newcomers refused, stalled peers cut at the deadline. */
@Timeout(30)
class DrainTest {

    /** Records sends and closes in one ordered list; a stalled connection never completes a write. */
    private static final class EventConnection implements Connection {

        private final boolean stalled;
        private final List<String> events = new ArrayList<>();

        EventConnection(boolean stalled) {
            this.stalled = stalled;
        }

        @Override
        public String remoteAddress() {
            return "10.0.0.1";
        }

        @Override
        public void sendText(String text, SendCallback done) {
            record("text " + text);
            if (!stalled) {
                done.completed(null);
            }
        }

        @Override
        public void sendBinary(ByteBuffer data, SendCallback done) {
            record("binary");
            done.completed(null);
        }

        @Override
        public void sendPing(ByteBuffer payload, SendCallback done) {
            done.completed(null);
        }

        volatile long closedAtNanos;

        @Override
        public void close(Closure closure) {
            closedAtNanos = System.nanoTime();
            record("close " + closure);
        }

        synchronized void record(String event) {
            events.add(event);
        }

        synchronized List<String> events() {
            return new ArrayList<>(events);
        }
    }

    private static Hub hub(int drainSeconds) {
        // High caps: the newcomer loop below may admit many connections before the drain begins.
        Map<Setting, String> values = Map.of(Setting.DRAIN_SECONDS, Integer.toString(drainSeconds),
                Setting.MAX_CONNECTIONS, "1000000", Setting.MAX_CONNECTIONS_PER_ADDRESS, "1000000",
                Setting.CONNECT_RATE_PER_ADDRESS, "1000000");
        return Hub.start(SettingsLoader.load(values::get));
    }

    @Test
    void everyPendingFrameIsWrittenBeforeThe1012Close() {
        Hub hub = hub(1);
        EventConnection reader = new EventConnection(false);
        Client member = hub.joinRoom(reader, "lobby", "reader", null);
        for (int i = 1; i <= 3; i++) {
            hub.onFrame(member, new Inbound.Publish("m" + i, null, null));
        }
        hub.close(); // waits out the deadline: an in-memory connection never reports itself gone
        List<String> events = reader.events();
        assertEquals("close " + Closure.SERVICE_RESTART, events.get(events.size() - 1), events.toString());
        assertEquals(3, events.stream().filter(e -> e.contains("\"type\":\"message\"")).count(), events.toString());
        assertEquals(1, events.stream().filter(e -> e.startsWith("close")).count(), "closed once: " + events);
    }

    @Test
    void newcomersAreRefusedWith1012AndStalledPeersAreCutAtTheDeadline() throws Exception {
        Hub hub = hub(1);
        EventConnection stalled = new EventConnection(true);
        Client member = hub.joinRoom(stalled, "lobby", "stalled", null);
        hub.onFrame(member, new Inbound.Publish("never written", null, null));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(hub::close);
        EventConnection refused = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (refused == null && System.nanoTime() < deadline) {
            EventConnection newcomer = new EventConnection(false);
            if (hub.openClassic(newcomer, null) == null) {
                refused = newcomer;
            }
            Thread.onSpinWait();
        }
        assertNotNull(refused, "no newcomer was refused while the hub drained");
        assertEquals(List.of("close " + Closure.SERVICE_RESTART), refused.events());
        closing.get(10, TimeUnit.SECONDS);
        List<String> events = stalled.events();
        assertEquals("close " + Closure.SERVICE_RESTART, events.get(events.size() - 1), events.toString());
        assertNull(hub.openClassic(new EventConnection(false), null), "a stopped hub admits no one");
    }

    @Test
    void aJoinRegisteredAfterTheDrainsSnapshotIsStillDrainedGracefully() {
        Hub hub = hub(3);
        try {
            EventConnection late = new EventConnection(false);
            hub.joinRoom(late, "lobby", "late", null);
            long start = System.nanoTime();
            // The drain's snapshot was taken before this member registered: it is not in the list.
            new Drain(hub, TimeUnit.SECONDS.toNanos(3)).run(List.of());
            List<String> events = late.events();
            assertEquals("close " + Closure.SERVICE_RESTART, events.get(events.size() - 1), events.toString());
            assertTrue(late.closedAtNanos - start < TimeUnit.SECONDS.toNanos(1),
                    "closed after its pending frames, not cut at the 3 s deadline");
        } finally {
            hub.close();
        }
    }

    @Test
    void withoutDrainEveryoneIsClosedAtOnceWith1001() {
        Hub hub = hub(0);
        EventConnection reader = new EventConnection(false);
        hub.openClassic(reader, null);
        hub.close();
        assertEquals("close " + Closure.GOING_AWAY, reader.events().get(reader.events().size() - 1));
    }
}
