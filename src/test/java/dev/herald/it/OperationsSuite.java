package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} and {@code /health} (protocol.md §9), written once and run against every runtime: the shapes and
 * content types, and the counters checked against a known load. Each subclass says where Herald listens.
 */
@Timeout(60)
public abstract class OperationsSuite {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");
    /** HTTP/1.1: the JDK client would otherwise offer an h2c upgrade that some servers mishandle. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** The WebSocket base, e.g. {@code ws://127.0.0.1:9001/}; HTTP is the same address. */
    protected abstract URI base();

    protected URI http(String path) {
        return URI.create(base().toString().replaceFirst("^ws", "http")).resolve(path);
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsLiveAndReadyInTheMicroProfileShape() throws Exception {
        for (String path : List.of("health/live", "health/ready")) {
            HttpResponse<String> response = get(http(path));
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonObject health = Frames.json(response.body());
            assertEquals("UP", health.getString("status"));
            assertTrue(health.getJsonArray("checks").size() > 0, response.body());
            health.getJsonArray("checks").getValuesAs(JsonObject.class)
                    .forEach(check -> assertEquals("UP", check.getString("status"), check.toString()));
        }
    }

    @Test
    void metricsAreWellFormedPrometheusText() throws Exception {
        HttpResponse<String> response = get(http("metrics"));
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(";charset", "; charset"));
        Set<String> families = new HashSet<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                assertTrue(families.add(line.split(" ")[2]), "one TYPE per family: " + line);
            } else if (!line.startsWith("# HELP ")) {
                assertTrue(SAMPLE.matcher(line).matches(), "not a sample line: " + line);
            }
        }
        for (String family : List.of("herald_connections", "herald_connections_opened_total",
                "herald_connections_closed_total", "herald_rooms", "herald_messages_published_total",
                "herald_deliveries_total", "herald_bytes_sent_total", "herald_slow_consumer_disconnects_total",
                "herald_messages_dropped_total", "herald_queue_bytes_high_water", "herald_delivery_latency_seconds",
                "herald_recoveries_total", "herald_broker_errors_total", "process_cpu_seconds_total",
                "jvm_memory_used_bytes", "jvm_threads_current")) {
            assertTrue(families.contains(family), "missing " + family);
        }
    }

    @Test
    void theCountersFollowAKnownLoad() throws Exception {
        Map<String, Double> before = scrape();
        String room = ProtocolSuite.newRoom();
        int members = 3;
        int messages = 4;
        List<HeraldClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < members; i++) {
                HeraldClient client = HeraldClient.connect(base().resolve("rooms/" + room + "?name=m" + i));
                expect(client, "welcome");
                for (HeraldClient earlier : clients) {
                    expect(earlier, "joined");
                }
                clients.add(client);
            }
            for (int i = 0; i < messages; i++) {
                clients.get(0).sendText(publish("counted " + i));
                for (HeraldClient client : clients) {
                    expect(client, "message");
                }
            }
            // 3 welcomes, 1 + 2 joined, 4 messages to each of 3: 18 frames written. A write is counted when it
            // completes, which may be a moment after the client has read it: wait for the count, then check it.
            long frames = members + (long) members * (members - 1) / 2 + (long) messages * members;
            Map<String, Double> during = awaitDelta(before, "herald_deliveries_total", frames);
            assertEquals(frames, delta(before, during, "herald_deliveries_total"), "frames written");
            assertEquals(members, delta(before, during, "herald_connections_opened_total"));
            assertEquals(messages, delta(before, during, "herald_messages_published_total"));
            assertEquals(members, during.get("herald_connections{endpoint=\"rooms\"}") 
                    - before.get("herald_connections{endpoint=\"rooms\"}"));
            assertTrue(delta(before, during, "herald_delivery_latency_seconds_count") >= 1, "latency observed");
            assertTrue(delta(before, during, "herald_bytes_sent_total") > 0);
        } finally {
            for (HeraldClient client : clients) {
                client.close();
            }
        }
        // Counted when the runtime reports the close, which may be a moment after the client's close handshake;
        // under the code the runtime reports (normally 1000, though a runtime may see a close as abnormal).
        Map<String, Double> after = awaitClosed(before, members);
        assertEquals(members, closedDelta(before, after), "the clients' closes: " + after);
        assertTrue(delta(before, after, "herald_connections_closed_total{code=\"1000\"}") >= 1,
                "normal closes are counted under 1000: " + after);
    }

    /**
     * Whether this runtime reports a client's pings to Herald: Tyrus does (standalone, and through the WAR's web.xml in
     * Payara and GlassFish); WildFly's Undertow and Open Liberty do not, and JSR 356 has no callback for them.
     */
    protected boolean reportsClientPings() {
        return true;
    }

    /**
     * Issue 13, item 1: a ping flood ends in 1008 {@code rate limit abuse} wherever the runtime reports pings, counted
     * by the server itself in {@code /metrics}. Where it does not (WildFly, Open Liberty), the runtime bounds the flood
     * itself: Undertow stops reading a connection while the pongs it owes cannot be written, and Liberty writes each
     * pong on the thread that read the ping, so a flooder that never reads is stalled once the socket buffers are
     * full. Either way a bystander is served.
     */
    @Test
    void aPingFloodEndsIn1008OrIsStalledByTheRuntime() throws Exception {
        String abuse = "herald_connections_closed_total{code=\"1008\"}";
        double before = scrape().getOrDefault(abuse, 0.0);
        try (HeraldClient bystander = HeraldClient.connect(base())) {
            assertEquals(ProtocolSuite.JOIN, bystander.nextText(Frames.WAIT));
            RawWebSocket flooder = RawWebSocket.open(base(), null, 4096, 20_000);
            assertEquals(ProtocolSuite.JOIN, flooder.read().text());
            assertEquals(ProtocolSuite.JOIN, bystander.nextText(Frames.WAIT), "the flooder's announcement");
            // Paced (about 10 000 a second of 125 bytes) and bounded (20 s, 200 000 frames), never reading: 8 MB of
            // pongs owed after 6 s, more than the socket buffers hold.
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            Thread flood = flooder.flood(RawWebSocket.OP_PING, new byte[125], 20, 200_000, sent);
            if (reportsClientPings()) {
                flood.join(TimeUnit.SECONDS.toMillis(15));
                assertEquals(1.0, awaitAbove(abuse, before, 10) - before, "closed with 1008 for the ping flood after "
                        + sent + " pings");
            } else {
                assertTrue(stalls(sent, 18), "the runtime kept reading pings: " + sent + " sent");
                assertEquals(0.0, scrape().getOrDefault(abuse, 0.0) - before, "this runtime reports no pings");
            }
            flooder.close();
            flood.join(TimeUnit.SECONDS.toMillis(5));
            bystander.sendText("still here");
            assertTrue(bystander.nextText(Frames.WAIT).endsWith("said: still here"), "the bystander is served");
        }
    }

    /** Whether {@code sent} stops growing for a whole second within {@code seconds}: the server stopped reading. */
    private static boolean stalls(java.util.concurrent.atomic.AtomicInteger sent, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int last = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000); // one sample a second of the flood's progress: a measurement, bounded by the deadline
            int now = sent.get();
            if (now == last) {
                return true;
            }
            last = now;
        }
        return false;
    }

    /** The value of {@code series} once it is above {@code floor}, or as it is after {@code seconds}. */
    private double awaitAbove(String series, double floor, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        double value = scrape().getOrDefault(series, 0.0);
        while (value <= floor && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling /metrics until the close is counted, bounded by the deadline
            value = scrape().getOrDefault(series, 0.0);
        }
        return value;
    }

    /** Every sample of {@code /metrics}: name with labels to value. */
    Map<String, Double> scrape() throws IOException, InterruptedException {
        return new Scrape(get(http("metrics")).body()).samples();
    }

    /** The samples of one {@code /metrics} answer: name with labels to value. */
    record Scrape(Map<String, Double> samples) {

        Scrape(String body) {
            this(parse(body));
        }

        /** The sample's value, 0 when absent (a counter that never moved has no labelled sample yet). */
        double value(String nameWithLabels) {
            return samples.getOrDefault(nameWithLabels, 0.0);
        }

        private static Map<String, Double> parse(String body) {
            Map<String, Double> samples = new TreeMap<>();
            for (String line : body.split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (!line.startsWith("#") && sample.matches()) {
                    samples.put(sample.group(1), Double.parseDouble(sample.group(3)));
                }
            }
            return samples;
        }
    }

    private Map<String, Double> awaitDelta(Map<String, Double> before, String name, long wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Map<String, Double> now = scrape();
            if (delta(before, now, name) >= wanted || System.nanoTime() > deadline) {
                return now;
            }
            Thread.sleep(50); // bounded by the deadline: a write's completion is counted just after it is read
        }
    }

    private Map<String, Double> awaitClosed(Map<String, Double> before, long wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Map<String, Double> now = scrape();
            if (closedDelta(before, now) >= wanted || System.nanoTime() > deadline) {
                return now;
            }
            Thread.sleep(50); // bounded by the deadline: the runtime reports a close after the handshake
        }
    }

    /** Closes counted between two scrapes, whatever their code. */
    private static long closedDelta(Map<String, Double> before, Map<String, Double> after) {
        long total = 0;
        for (String name : after.keySet()) {
            if (name.startsWith("herald_connections_closed_total{")) {
                total += delta(before, after, name);
            }
        }
        return total;
    }

    private static long delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return Math.round(after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0));
    }
}
