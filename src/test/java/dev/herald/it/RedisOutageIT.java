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
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a node on the Redis broker answers while Redis is unreachable (protocol.md §7), and that it comes back by
 * itself: open sessions stay open, a publish or binary frame gets {@code error} {@code unavailable}, a newcomer to a
 * room this node does not serve yet (or to the classic endpoint) is refused with 1013 (which clients retry),
 * {@code /health/ready} and the HTTP API's publish answer 503, and once Redis is back everything works again.
 */
@Timeout(120)
class RedisOutageIT {

    @Test
    void whileRedisIsDownEveryRequestGetsItsAnswerAndTheNodeRecoversByItself() throws Exception {
        Path keyFile = ApiSuite.keyFile();
        try (RedisProcess redis = RedisProcess.start();
             StandaloneServer node = StandaloneFixture.start(Map.of(Setting.BROKER, "redis",
                     Setting.REDIS_URL, redis.url(), Setting.DRAIN_SECONDS, "0",
                     Setting.API_KEY_FILE, keyFile.toString()))) {
            URI base = StandaloneFixture.base(node);
            String room = ProtocolSuite.newRoom();
            try (HeraldClient ann = HeraldClient.connect(base.resolve("rooms/" + room + "?name=ann"))) {
                expect(ann, "welcome");
                URI ready = URI.create(base.toString().replaceFirst("^ws", "http")).resolve("health/ready");
                assertEquals(200, OperationsSuite.get(ready).statusCode());
                redis.stop();
                assertEquals(503, awaitStatus(ready, 503), "not ready while the broker is unreachable");

                ann.sendText(publish("into the void", "p1"));
                JsonObject refused = expect(ann, "error");
                assertEquals("unavailable", refused.getString("code"));
                assertEquals("p1", refused.getString("ref"));
                ann.sendBinary(new byte[] {1, 2, 3});
                assertEquals("unavailable", expect(ann, "error").getString("code"));

                String elsewhere = ProtocolSuite.newRoom();
                try (HeraldClient late = HeraldClient.connect(base.resolve("rooms/" + elsewhere + "?name=bob"))) {
                    CloseStatus status = late.closeStatus().get(10, TimeUnit.SECONDS);
                    assertEquals(1013, status.code(),
                            "a room this node does not serve yet cannot be joined without Redis: " + status);
                }
                try (HeraldClient carol = HeraldClient.connect(base.resolve("rooms/" + room + "?name=carol"))) {
                    assertEquals(2, expect(carol, "welcome").getJsonArray("members").size(),
                            "a room this node already serves can still be joined, from what the node knows");
                    expect(ann, "joined");
                }
                expect(ann, "left");
                try (HeraldClient classic = HeraldClient.connect(base)) {
                    assertEquals(1013, classic.closeStatus().get(10, TimeUnit.SECONDS).code(),
                            "a classic number cannot be had without Redis");
                }
                assertTrue(ann.isOpen(), "the member who was there stays connected");
                HttpResponse<String> api = ApiSuite.call(base, "POST", "api/rooms/" + room + "/messages",
                        "{\"text\":\"from the backend\"}", Map.of());
                assertEquals(503, api.statusCode(), api.body());
                assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

                redis.restart();
                JsonObject ack = publishUntilAcked(ann);
                assertEquals(200, awaitStatus(ready, 200), "ready again once Redis is back");
                assertTrue(ack.getJsonNumber("offset").longValue() >= 1);
                try (HeraldClient bob = HeraldClient.connect(base.resolve("rooms/" + room + "?name=bob"))) {
                    expect(bob, "welcome");
                    assertEquals("bob", expect(ann, "joined").getJsonObject("member").getString("name"));
                }
            }
        }
    }

    private static int awaitStatus(URI uri, int wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int status = OperationsSuite.get(uri).statusCode();
        while (status != wanted && System.nanoTime() < deadline) {
            Thread.sleep(100); // bounded by the deadline: the node notices the link's state within moments
            status = OperationsSuite.get(uri).statusCode();
        }
        return status;
    }

    /** Publishes every 200 ms until one is acknowledged: the node reconnects to Redis within a few seconds. */
    private static JsonObject publishUntilAcked(HeraldClient ann) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            ann.sendText(publish("back " + attempt, "b" + attempt));
            JsonObject reply = Frames.json(ann.nextText(WAIT));
            while ("message".equals(reply.getString("type"))) {
                reply = Frames.json(ann.nextText(WAIT));
            }
            if ("ack".equals(reply.getString("type"))) {
                return reply;
            }
            assertEquals("unavailable", reply.getString("code"), reply.toString());
            Thread.sleep(Duration.ofMillis(200).toMillis()); // bounded by the deadline: waiting for the reconnection
        }
        throw new AssertionError("the node never published again after Redis came back");
    }
}
