package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP server API (protocol.md §8), written once and run against every runtime: every route, every error status,
 * the key (missing, wrong, right), idempotent retries, a unicast that reaches exactly one client, admission closed
 * and opened, and an admin's disconnect. Each subclass says where Herald listens; the key is the build's test key
 * ({@code herald.it.api-key}), which the build hands every runtime as {@code HERALD_API_KEY}.
 */
@Timeout(90)
public abstract class ApiSuite {

    static final String KEY = System.getProperty("herald.it.api-key", "a-test-key-that-is-long-enough-0123456789");
    /** HTTP/1.1: the JDK client would otherwise offer an h2c upgrade that some servers mishandle. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration QUIET = Duration.ofMillis(500);

    /** The WebSocket base, e.g. {@code ws://127.0.0.1:9001/}; HTTP is the same address. */
    protected abstract URI base();

    // ---- the key ----------------------------------------------------------------------------------

    @Test
    void everyCallNeedsTheKey() throws Exception {
        HttpResponse<String> none = send("GET", "api/rooms", null, null);
        assertProblem(none, 401);
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertProblem(send("GET", "api/rooms", "Bearer " + KEY.substring(1) + "x", null), 401);
        assertProblem(send("GET", "api/rooms", "Basic " + KEY, null), 401);
        assertProblem(send("POST", "api/classic/messages", "Bearer wrong", "{\"text\":\"no\"}"), 401);
        HttpResponse<String> right = api("GET", "api/rooms", null);
        assertEquals(200, right.statusCode(), right.body());
        assertTrue(right.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    // ---- rooms ------------------------------------------------------------------------------------

    @Test
    void aPublishReachesTheRoomInItsOrderAndItsHistory() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(base().resolve("rooms/" + room + "?name=ann"))) {
            JsonObject welcome = expect(ann, "welcome");
            ann.sendText(publish("before"));
            long before = expect(ann, "message").getJsonNumber("offset").longValue();
            HttpResponse<String> published = api("POST", "api/rooms/" + room + "/messages",
                    "{\"text\":\"from the backend\"}");
            assertEquals(201, published.statusCode(), published.body());
            JsonObject answer = Frames.json(published.body());
            assertEquals(before + 1, answer.getJsonNumber("offset").longValue());
            assertEquals(welcome.getString("epoch"), answer.getString("epoch"));
            JsonObject message = expect(ann, "message");
            assertEquals("from the backend", message.getString("text"));
            assertEquals(before + 1, message.getJsonNumber("offset").longValue());
            assertEquals("api", message.getJsonObject("from").getString("id"));
            assertEquals("api", message.getJsonObject("from").getString("name"));

            JsonObject history = Frames.json(ok(api("GET", "api/rooms/" + room + "/history?since=" + before, null)));
            assertEquals(room, history.getString("room"));
            assertEquals(welcome.getString("epoch"), history.getString("epoch"));
            JsonArray messages = history.getJsonArray("messages");
            assertEquals(1, messages.size(), history.toString());
            assertEquals(message, messages.getJsonObject(0), "history shows the message as members saw it");
            assertEquals(2, Frames.json(ok(api("GET", "api/rooms/" + room + "/history", null)))
                    .getJsonArray("messages").size());
            assertEquals(1, Frames.json(ok(api("GET", "api/rooms/" + room + "/history?limit=1", null)))
                    .getJsonArray("messages").size());
        }
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheSameAndPublishesNothing() throws Exception {
        String room = ProtocolSuite.newRoom();
        String requestKey = UUID.randomUUID().toString();
        try (HeraldClient ann = HeraldClient.connect(base().resolve("rooms/" + room + "?name=ann"))) {
            expect(ann, "welcome");
            Map<String, String> once = Map.of("Idempotency-Key", requestKey);
            HttpResponse<String> first = api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"once\"}", once);
            assertEquals(201, first.statusCode(), first.body());
            HttpResponse<String> retry = api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"once\"}", once);
            assertEquals(201, retry.statusCode(), retry.body());
            assertEquals(Frames.json(first.body()), Frames.json(retry.body()));
            // The same key for another room is another request.
            String other = ProtocolSuite.newRoom();
            HttpResponse<String> elsewhere = api("POST", "api/rooms/" + other + "/messages", "{\"text\":\"o\"}", once);
            assertEquals(1, Frames.json(elsewhere.body()).getJsonNumber("offset").longValue());
            assertEquals("once", expect(ann, "message").getString("text"));
            ok(api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"next\"}", Map.of()), 201);
            assertEquals("next", expect(ann, "message").getString("text"), "the retry published nothing");
            assertProblem(api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"x\"}",
                    Map.of("Idempotency-Key", "with space")), 400);
        }
    }

    @Test
    void roomsAndPresenceListWhoIsWhere() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(base().resolve("rooms/" + room + "?name=ann"));
             HeraldClient bob = HeraldClient.connect(base().resolve("rooms/" + room + "?name=bob"))) {
            String epoch = Frames.bothWelcomed(ann, bob).get(0).getString("epoch");
            bob.sendText(publish("hello"));
            expect(ann, "message");
            expect(bob, "message");
            JsonArray rooms = Json.array(ok(api("GET", "api/rooms", null)));
            JsonObject mine = rooms.getValuesAs(JsonObject.class).stream()
                    .filter(r -> r.getString("room").equals(room)).findFirst().orElseThrow();
            assertEquals(2, mine.getInt("members"), mine.toString());
            assertEquals(1, mine.getJsonNumber("offset").longValue());
            assertEquals(epoch, mine.getString("epoch"));

            JsonObject presence = Frames.json(ok(api("GET", "api/rooms/" + room + "/presence", null)));
            assertEquals(room, presence.getString("room"));
            assertEquals(List.of("ann", "bob"), presence.getJsonArray("members").getValuesAs(JsonObject.class)
                    .stream().map(m -> m.getString("name")).sorted().toList());
        }
    }

    // ---- clients ----------------------------------------------------------------------------------

    @Test
    void clientsAreListedWithTheirAddressesAndFilteredByRoom() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(base().resolve("rooms/" + room + "?name=ann"));
             HeraldClient classic = HeraldClient.connect(base())) {
            JsonObject you = expect(ann, "welcome").getJsonObject("you");
            assertEquals(ProtocolSuite.JOIN, classic.nextText(WAIT));
            JsonArray all = Json.array(ok(api("GET", "api/clients", null)));
            JsonObject member = byId(all, you.getString("id"));
            assertEquals("room", member.getString("endpoint"));
            assertEquals(room, member.getString("room"));
            assertEquals("ann", member.getString("name"));
            assertEquals("127.0.0.1", member.getString("address"));
            assertTrue(member.getString("connectedAt").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                    member.toString());
            assertTrue(all.getValuesAs(JsonObject.class).stream()
                    .anyMatch(c -> c.getString("endpoint").equals("classic") && c.getString("id").matches("\\d+")),
                    all.toString());
            JsonArray inRoom = Json.array(ok(api("GET", "api/clients?room=" + room, null)));
            assertEquals(1, inRoom.size(), inRoom.toString());
            assertEquals(you.getString("id"), inRoom.getJsonObject(0).getString("id"));
        }
    }

    @Test
    void aUnicastReachesExactlyOneClient() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(base().resolve("rooms/" + room + "?name=ann"));
             HeraldClient bob = HeraldClient.connect(base().resolve("rooms/" + room + "?name=bob"));
             HeraldClient first = HeraldClient.connect(base())) {
            String annId = Frames.bothWelcomed(ann, bob).get(0).getJsonObject("you").getString("id");
            assertEquals(ProtocolSuite.JOIN, first.nextText(WAIT));
            try (HeraldClient second = HeraldClient.connect(base())) {
                assertEquals(ProtocolSuite.JOIN, second.nextText(WAIT));
                assertEquals(ProtocolSuite.JOIN, first.nextText(WAIT));
                String secondId = newestClassicId(Json.array(ok(api("GET", "api/clients", null))));

                assertEquals(202, api("POST", "api/clients/" + annId + "/messages", "{\"text\":\"just you\"}")
                        .statusCode());
                JsonObject direct = expect(ann, "direct");
                assertEquals("just you", direct.getString("text"));
                assertEquals("api", direct.getJsonObject("from").getString("id"));

                assertEquals(202, api("POST", "api/clients/" + secondId + "/messages", "{\"text\":\"psst\"}")
                        .statusCode());
                assertEquals("psst", second.nextText(WAIT), "the seed's send_message: the text as it is");

                // Nobody else heard either: the next thing each of the others gets is a broadcast.
                bob.sendText(publish("to all"));
                assertEquals("to all", expect(bob, "message").getString("text"));
                assertEquals("to all", expect(ann, "message").getString("text"));
                first.sendText("everyone");
                assertTrue(first.nextText(WAIT).endsWith("said: everyone"), "first heard no psst");
                assertTrue(second.nextText(WAIT).endsWith("said: everyone"));
            }
        }
    }

    @Test
    void sendToAllReachesEveryClassicClientAsItIs() throws Exception {
        try (HeraldClient first = HeraldClient.connect(base())) {
            assertEquals(ProtocolSuite.JOIN, first.nextText(WAIT));
            try (HeraldClient second = HeraldClient.connect(base())) {
                assertEquals(ProtocolSuite.JOIN, second.nextText(WAIT));
                assertEquals(ProtocolSuite.JOIN, first.nextText(WAIT));
                HttpResponse<String> sent = api("POST", "api/classic/messages", "{\"text\":\"Maintenance at noon\"}");
                assertEquals(202, sent.statusCode(), sent.body());
                assertTrue(Frames.json(sent.body()).getInt("clients") >= 2, sent.body());
                assertEquals("Maintenance at noon", first.nextText(WAIT));
                assertEquals("Maintenance at noon", second.nextText(WAIT));
            }
        }
    }

    @Test
    void anAdminDisconnectClosesWith1008AndTheRoomHearsWhy() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(base().resolve("rooms/" + room + "?name=ann"));
             HeraldClient bob = HeraldClient.connect(base().resolve("rooms/" + room + "?name=bob"))) {
            String bobId = Frames.bothWelcomed(ann, bob).get(1).getJsonObject("you").getString("id");
            HttpResponse<String> deleted = api("DELETE", "api/clients/" + bobId, null);
            assertEquals(204, deleted.statusCode(), deleted.body());
            assertEquals(new CloseStatus(1008, "disconnected by admin"),
                    bob.closeStatus().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            JsonObject left = expect(ann, "left");
            assertEquals(bobId, left.getJsonObject("member").getString("id"));
            assertEquals("policy", left.getString("reason"));
            assertProblem(api("DELETE", "api/clients/" + bobId, null), 404);
        }
    }

    // ---- admission --------------------------------------------------------------------------------

    @Test
    void closedAdmissionRefusesNewcomersWith1013AndLeavesTheOpenOnesAlone() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(base().resolve("rooms/" + room + "?name=ann"))) {
            expect(ann, "welcome");
            assertEquals("{\"open\":true}", ok(api("GET", "api/admission", null)));
            try {
                assertEquals("{\"open\":false}", ok(api("PUT", "api/admission", "{\"open\":false}")));
                assertEquals("{\"open\":false}", ok(api("GET", "api/admission", null)));
                assertEquals(503, OperationsSuite.get(http("health/ready")).statusCode());
                try (HeraldClient late = HeraldClient.connect(base().resolve("rooms/" + room + "?name=late"))) {
                    assertEquals(new CloseStatus(1013, "try again later"),
                            late.closeStatus().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                }
                ann.sendText(publish("still served"));
                assertEquals("still served", expect(ann, "message").getString("text"));
            } finally {
                assertEquals("{\"open\":true}", ok(api("PUT", "api/admission", "{\"open\":true}")));
            }
            assertEquals(200, OperationsSuite.get(http("health/ready")).statusCode());
            try (HeraldClient later = HeraldClient.connect(base().resolve("rooms/" + room + "?name=later"))) {
                expect(later, "welcome");
            }
            assertProblem(api("PUT", "api/admission", "{\"open\":\"no\"}"), 400);
        }
    }

    // ---- errors -----------------------------------------------------------------------------------

    @Test
    void badRequestsGetProblemDocumentsWithTheirStatus() throws Exception {
        String room = ProtocolSuite.newRoom();
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "not json"), 400);
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "[1]"), 400);
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "{}"), 400);
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"  \"}"), 400);
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "{\"text\":5}"), 400);
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"\\ud800\"}"), 400);
        assertProblem(api("POST", "api/rooms/bad%20room/messages", "{\"text\":\"x\"}"), 400);
        assertProblem(api("GET", "api/rooms/" + room + "/history?since=-1", null), 400);
        assertProblem(api("GET", "api/rooms/" + room + "/history?limit=lots", null), 400);
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"" + "x".repeat(70_000) + "\"}"),
                413);
        assertProblem(api("POST", "api/rooms/" + room + "/messages", "{\"text\":\"" + "x".repeat(800_000) + "\"}"),
                413);
        assertProblem(api("GET", "api/rooms/" + room + "/presence", null), 404);
        assertProblem(api("GET", "api/rooms/" + room + "/history", null), 404);
        assertProblem(api("POST", "api/clients/no-such-1/messages", "{\"text\":\"x\"}"), 404);
        assertProblem(api("DELETE", "api/clients/999999999", null), 404);
        assertProblem(api("GET", "api/nothing-here", null), 404);
        HttpResponse<String> wrongMethod = api("GET", "api/rooms/" + room + "/messages", null);
        assertProblem(wrongMethod, 405);
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void answersAreCountedByMethodAndStatus() throws Exception {
        String series = "herald_api_requests_total{method=\"GET\",status=\"404\"}";
        double before = new OperationsSuite.Scrape(OperationsSuite.get(http("metrics")).body()).samples()
                .getOrDefault(series, 0.0);
        assertProblem(api("GET", "api/nothing-here", null), 404);
        assertProblem(api("GET", "api/nothing-here", null), 404);
        double after = new OperationsSuite.Scrape(OperationsSuite.get(http("metrics")).body()).samples()
                .getOrDefault(series, 0.0);
        assertEquals(2.0, after - before);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** A temporary file holding {@link #KEY}, for a server's {@code api-key-file}; deleted when the JVM exits. */
    static java.nio.file.Path keyFile() throws IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("herald-api", ".key");
        java.nio.file.Files.writeString(file, KEY);
        file.toFile().deleteOnExit();
        return file;
    }

    protected URI http(String path) {
        return URI.create(base().toString().replaceFirst("^ws", "http")).resolve(path);
    }

    HttpResponse<String> api(String method, String path, String body) throws IOException, InterruptedException {
        return api(method, path, body, Map.of());
    }

    HttpResponse<String> api(String method, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return call(base(), method, path, "Bearer " + KEY, body, headers);
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        return call(base(), method, path, authorization, body, Map.of());
    }

    /** One API call with the test key to the node whose WebSocket base is {@code node}. */
    static HttpResponse<String> call(URI node, String method, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return call(node, method, path, "Bearer " + KEY, body, headers);
    }

    /** One HTTP call to the node whose WebSocket base is {@code node}; {@code authorization} may be null. */
    private static HttpResponse<String> call(URI node, String method, String path, String authorization, String body,
                                             Map<String, String> headers) throws IOException, InterruptedException {
        URI http = URI.create(node.toString().replaceFirst("^ws", "http")).resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(http).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String ok(HttpResponse<String> response) {
        return ok(response, 200);
    }

    private static String ok(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        JsonObject problem = Frames.json(response.body());
        assertEquals(status, problem.getInt("status"), response.body());
        assertFalse(problem.getString("title").isEmpty());
        assertFalse(problem.getString("detail").isEmpty());
        assertFalse(response.body().contains(KEY), "the key is never echoed");
    }

    private static JsonObject byId(JsonArray clients, String id) {
        return clients.getValuesAs(JsonObject.class).stream().filter(c -> c.getString("id").equals(id))
                .findFirst().orElseThrow(() -> new AssertionError("no client " + id + " in " + clients));
    }

    /** The id of the classic client that joined last: numbers only grow. */
    private static String newestClassicId(JsonArray clients) {
        return clients.getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("endpoint").equals("classic"))
                .map(c -> c.getString("id")).max((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
                .orElseThrow(() -> new AssertionError("no classic client in " + clients));
    }

    /** JSON arrays, which {@link Frames#json} does not read. */
    static final class Json {

        private Json() {
        }

        static JsonArray array(String text) {
            try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(text))) {
                return reader.readArray();
            }
        }
    }
}
