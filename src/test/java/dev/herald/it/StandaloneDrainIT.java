package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful drain on a real server: every message accepted (acknowledged) before the drain began reaches a
 * member that was not reading when it began, before its 1012 close; newcomers during the drain get 1012.
 */
@Timeout(60)
class StandaloneDrainIT {

    private static final int MESSAGES = 200;

    @Test
    void noAcceptedMessageIsLostAndEveryoneGets1012() throws Exception {
        StandaloneServer server = StandaloneFixture.start(Map.of(Setting.DRAIN_SECONDS, "10",
                Setting.QUEUE_BYTES, Integer.toString(16 * 1024 * 1024),
                Setting.RATE_PER_SECOND, "10000", Setting.RATE_BURST, "10000"));
        CompletableFuture<Void> draining = null;
        try {
            URI base = StandaloneFixture.base(server);
            HeraldClient publisher = HeraldClient.connect(base.resolve("rooms/drain?name=publisher"));
            expect(publisher, "welcome");
            // This member stops reading at the TCP level, so the accepted messages wait in its queue.
            RawWebSocket behind = RawWebSocket.open(base.resolve("rooms/drain?name=behind"), null, 4096);
            assertTrue(behind.read().text().contains("\"welcome\""));
            expect(publisher, "joined");

            String text = "d".repeat(20_000);
            Set<String> acked = new HashSet<>();
            for (int i = 1; i <= MESSAGES; i++) {
                publisher.sendText(publish(i + ":" + text, "r" + i));
            }
            while (acked.size() < MESSAGES) {
                JsonObject frame = Frames.next(publisher);
                if ("ack".equals(frame.getString("type"))) {
                    acked.add(frame.getString("ref"));
                }
            }

            draining = CompletableFuture.runAsync(server::close);
            CloseStatus newcomer = awaitRefusedNewcomer(base);
            assertEquals(new CloseStatus(1012, "service restart"), newcomer, "newcomers are refused while draining");

            for (int expected = 1; expected <= MESSAGES; expected++) {
                RawWebSocket.Received frame = behind.read();
                assertEquals(RawWebSocket.OP_TEXT, frame.opcode(), "message " + expected + " before the close");
                JsonObject message = Frames.json(frame.text());
                if (!"message".equals(message.getString("type"))) {
                    expected--;
                    continue;
                }
                assertEquals(expected, message.getJsonNumber("offset").longValue());
            }
            RawWebSocket.Received close = behind.read();
            while (close.opcode() == RawWebSocket.OP_TEXT) {
                assertTrue(!close.text().contains("\"message\""), "no message after the accepted ones");
                close = behind.read();
            }
            assertEquals(RawWebSocket.OP_CLOSE, close.opcode());
            assertEquals(1012, close.closeCode());
            assertEquals("service restart", close.closeReason());
            assertEquals(new CloseStatus(1012, "service restart"), publisher.awaitClose(WAIT));
            behind.close();
            draining.get(20, TimeUnit.SECONDS);
        } finally {
            if (draining == null) {
                server.close();
            }
        }
    }

    /** Connects until a newcomer is turned away (the drain starts on another thread), bounded. */
    private static CloseStatus awaitRefusedNewcomer(URI base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (HeraldClient newcomer = HeraldClient.connect(base.resolve("rooms/drain?name=late"))) {
                // Before the drain begins the newcomer is welcomed; once it has begun it is closed at once.
                newcomer.next(Duration.ofMillis(200));
                if (newcomer.closeStatus().isDone()) {
                    return newcomer.closeStatus().get();
                }
            }
        }
        throw new AssertionError("no newcomer was refused within 10 s of the drain starting");
    }
}
