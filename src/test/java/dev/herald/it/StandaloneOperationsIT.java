package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations suite against the standalone server, plus what only standalone can show here: readiness turns 503
 * while the server drains, and {@code metrics=off} serves neither {@code /metrics} nor {@code /health}.
 */
class StandaloneOperationsIT extends OperationsSuite {

    private static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneFixture.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected URI base() {
        return StandaloneFixture.base(server);
    }

    @Test
    void readinessIs503WhileTheServerDrains() throws Exception {
        server.close();
        StandaloneServer draining = StandaloneFixture.start(Map.of(Setting.DRAIN_SECONDS, "6",
                Setting.QUEUE_BYTES, Integer.toString(32 * 1024 * 1024),
                Setting.RATE_PER_SECOND, "10000", Setting.RATE_BURST, "10000"));
        try {
            URI base = StandaloneFixture.base(draining);
            // A member that stopped reading with megabytes still queued for it keeps the drain going until its
            // deadline: its pending frames must go before its close (an idle one would be closed at once).
            // 10 MB, well past what the kernel's send buffer may hold on loopback (tcp_wmem allows 4 MiB): with
            // 2 MB, one CI run found the listener already gone at the first poll, as if the drain had nothing left.
            RawWebSocket stuck = RawWebSocket.open(base.resolve("rooms/r?name=stuck"), null, 4096);
            assertTrue(stuck.read().text().contains("\"welcome\""));
            try (HeraldClient publisher = HeraldClient.connect(base.resolve("rooms/r?name=publisher"))) {
                Frames.expect(publisher, "welcome");
                String text = "d".repeat(50_000);
                for (int i = 0; i < 200; i++) {
                    publisher.sendText(Frames.publish(text, "p" + i));
                }
                int acked = 0;
                while (acked < 200) {
                    if ("ack".equals(Frames.next(publisher).getString("type"))) {
                        acked++;
                    }
                }
            }
            URI ready = URI.create(base.toString().replaceFirst("^ws", "http")).resolve("health/ready");
            assertEquals(200, get(ready).statusCode());
            CompletableFuture<Void> closing = CompletableFuture.runAsync(draining::close);
            HttpResponse<String> during = awaitStatus(ready, 503);
            assertEquals(503, during.statusCode(), during.body());
            assertTrue(during.body().contains("\"name\":\"accepting-connections\",\"status\":\"DOWN\""), during.body());
            stuck.close();
            closing.get(20, TimeUnit.SECONDS);
        } finally {
            draining.close();
            server = StandaloneFixture.start(Map.of());
        }
    }

    @Test
    void metricsOffServesNeitherMetricsNorHealth() throws Exception {
        server.close();
        StandaloneServer quiet = StandaloneFixture.start(Map.of(Setting.METRICS, "off"));
        try {
            URI http = URI.create(StandaloneFixture.base(quiet).toString().replaceFirst("^ws", "http"));
            assertEquals(404, get(http.resolve("metrics")).statusCode());
            assertEquals(404, get(http.resolve("health/ready")).statusCode());
            assertEquals(200, get(http.resolve("chat/")).statusCode(), "the page is still served");
        } finally {
            quiet.close();
            server = StandaloneFixture.start(Map.of());
        }
    }

    private static HttpResponse<String> awaitStatus(URI uri, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        HttpResponse<String> response = get(uri);
        while (response.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(50); // bounded: the drain starts on another thread
            response = get(uri);
        }
        return response;
    }
}
