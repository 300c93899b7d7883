package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The slow-consumer policies on a real server. A member stops reading at the TCP level while another
 * publishes far more than its queue budget; then it reads everything. Under {@code drop-oldest} and
 * {@code conflate} it stays connected, every message it missed is counted in {@code dropped} error frames,
 * and what it does get comes in offset order. ({@code disconnect}, the default, is covered by the isolation
 * test: 4000.)
 */
@Timeout(120)
class SlowConsumerPoliciesIT {

    private static final int MESSAGES = 3_000;
    private static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneFixture.start(Map.of(
                Setting.QUEUE_BYTES, Integer.toString(64 * 1024),
                Setting.SLOW_CONSUMER_POLICIES, "drop-*=drop-oldest, conflate-*=conflate",
                Setting.RATE_PER_SECOND, "100000", Setting.RATE_BURST, "100000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void dropOldestKeepsTheLaggardAndAccountsForEveryMessage() throws Exception {
        Result result = flood("drop-room", i -> null);
        assertEquals(MESSAGES, result.received + result.dropped, "every message is received or reported dropped");
        assertTrue(result.dropped > 0, "the laggard fell behind");
    }

    @Test
    void conflateKeepsTheNewestMessagePerKey() throws Exception {
        String[] keys = {"eur", "usd", "gbp"};
        Result result = flood("conflate-room", i -> keys[i % keys.length]);
        assertEquals(MESSAGES, result.received + result.dropped, "every message is received or reported dropped");
        assertTrue(result.dropped > 0, "the laggard fell behind");
        for (int i = MESSAGES - keys.length; i < MESSAGES; i++) {
            assertEquals(i + 1, result.lastOffsetByKey.get(keys[i % keys.length]),
                    "the newest message for " + keys[i % keys.length] + " arrives");
        }
    }

    private record Result(long received, long dropped, Map<String, Long> lastOffsetByKey) {
    }

    private static Result flood(String room, java.util.function.IntFunction<String> keyFor) throws Exception {
        URI base = StandaloneFixture.base(server);
        try (HeraldClient publisher = HeraldClient.connect(base.resolve("rooms/" + room + "?name=publisher"))) {
            expect(publisher, "welcome");
            RawWebSocket laggard = RawWebSocket.open(base.resolve("rooms/" + room + "?name=laggard"), null, 4096);
            assertTrue(laggard.read().text().contains("\"welcome\""));
            expect(publisher, "joined");
            String filler = "p".repeat(4_000); // 12 MB in all: well past what socket buffers absorb
            for (int i = 0; i < MESSAGES; i++) {
                var publish = Json.createObjectBuilder().add("type", "publish").add("text", i + ":" + filler);
                String key = keyFor.apply(i);
                if (key != null) {
                    publish.add("key", key);
                }
                publisher.sendText(publish.build().toString());
            }
            long received = 0;
            long dropped = 0;
            long lastOffset = 0;
            Map<String, Long> lastOffsetByKey = new HashMap<>();
            while (received + dropped < MESSAGES) {
                JsonObject frame = Frames.json(laggard.read().text());
                switch (frame.getString("type")) {
                    case "message" -> {
                        long offset = frame.getJsonNumber("offset").longValue();
                        assertTrue(offset > lastOffset, "offset order: " + offset + " after " + lastOffset);
                        lastOffset = offset;
                        received++;
                        if (frame.containsKey("key")) {
                            lastOffsetByKey.put(frame.getString("key"), offset);
                        }
                    }
                    case "error" -> {
                        assertEquals("dropped", frame.getString("code"), frame.toString());
                        dropped += frame.getJsonNumber("count").longValue();
                    }
                    default -> throw new AssertionError("unexpected " + frame);
                }
            }
            laggard.close();
            return new Result(received, dropped, lastOffsetByKey);
        }
    }
}
