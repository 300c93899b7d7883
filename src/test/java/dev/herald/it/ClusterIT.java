package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.Frame;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on one real Redis form one service (protocol.md §7), one in this JVM and one in its own process: members, counts, joins and departures are
 * cluster-wide, the classic endpoint's numbers are unique and its texts reach every node, and a node that dies has
 * its members reported as {@code left} with reason {@code node_lost} within 15 s.
 */
@Timeout(120)
class ClusterIT {

    private static final Pattern SAID = Pattern.compile("Client\\((\\d+)\\) said: (.*)");

    private static RedisProcess redis;
    private static StandaloneServer first;
    private static NodeProcess second;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        Path keyFile = ApiSuite.keyFile();
        first = StandaloneFixture.start(Map.of(Setting.BROKER, "redis", Setting.REDIS_URL, redis.url(),
                Setting.DRAIN_SECONDS, "0", Setting.API_KEY_FILE, keyFile.toString()));
        second = NodeProcess.start("second", Map.of("broker", "redis", "redis-url", redis.url()),
                Map.of("HERALD_API_KEY", ApiSuite.KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void anApiPublishWithAnIdempotencyKeyTakesEffectOnceWhicheverNodesAreCalled() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(room(StandaloneFixture.base(first), room, "ann"))) {
            expect(ann, "welcome"); // ann is in before bob connects, so only ann hears a joined
            HeraldClient bob = HeraldClient.connect(room(second.uri(), room, "bob"));
            expect(bob, "welcome");
            expect(ann, "joined");
            String body = "{\"text\":\"deployed\"}";
            Map<String, String> once = Map.of("Idempotency-Key", "deploy-" + room);
            HttpResponse<String> answered = api(second.uri(), "POST", "api/rooms/" + room + "/messages", body, once);
            assertEquals(201, answered.statusCode(), answered.body());
            HttpResponse<String> retried = api(StandaloneFixture.base(first), "POST", "api/rooms/" + room + "/messages",
                    body, once);
            assertEquals(201, retried.statusCode(), retried.body());
            assertEquals(Frames.json(answered.body()), Frames.json(retried.body()), "the retry on the other node");
            assertEquals(1, Frames.json(answered.body()).getInt("offset"));
            for (HeraldClient member : List.of(ann, bob)) {
                JsonObject message = expect(member, "message");
                assertEquals("deployed", message.getString("text"));
                assertEquals("api", message.getJsonObject("from").getString("id"));
            }
            ann.sendText(publish("after"));
            assertEquals("after", expect(bob, "message").getString("text"), "the retry published nothing");
            assertEquals("after", expect(ann, "message").getString("text"));
            bob.close();
        }
    }

    @Test
    void theApiReachesAndListsTheClientsOfEveryNodeFromAnyNode() throws Exception {
        String room = ProtocolSuite.newRoom();
        URI firstNode = StandaloneFixture.base(first);
        try (HeraldClient bob = HeraldClient.connect(room(second.uri(), room, "bob"));
             HeraldClient classic = HeraldClient.connect(second.uri())) {
            String bobId = expect(bob, "welcome").getJsonObject("you").getString("id");
            assertEquals(ProtocolSuite.JOIN, classic.nextText(WAIT));
            // Asked of the first node, which holds none of them.
            HttpResponse<String> listed = api(firstNode, "GET", "api/clients", null);
            assertEquals(200, listed.statusCode(), listed.body());
            List<JsonObject> clients = ApiSuite.Json.array(listed.body()).getValuesAs(JsonObject.class);
            assertTrue(clients.stream().anyMatch(c -> c.getString("id").equals(bobId)), listed.body());
            String classicId = clients.stream().filter(c -> c.getString("endpoint").equals("classic"))
                    .map(c -> c.getString("id")).max((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
                    .orElseThrow();
            HttpResponse<String> presence = api(firstNode, "GET", "api/rooms/" + room + "/presence", null);
            assertEquals(200, presence.statusCode(), presence.body());
            assertTrue(presence.body().contains(bobId), presence.body());
            HttpResponse<String> rooms = api(firstNode, "GET", "api/rooms", null);
            assertTrue(rooms.body().contains("\"room\":\"" + room + "\""), rooms.body());

            assertEquals(202, api(firstNode, "POST", "api/clients/" + classicId + "/messages",
                    "{\"text\":\"across\"}").statusCode());
            assertEquals("across", classic.nextText(WAIT));
            assertEquals(202, api(firstNode, "POST", "api/clients/" + bobId + "/messages",
                    "{\"text\":\"to bob\"}").statusCode());
            assertEquals("to bob", expect(bob, "direct").getString("text"));

            assertEquals(204, api(firstNode, "DELETE", "api/clients/" + bobId, null).statusCode());
            assertEquals(new dev.herald.client.CloseStatus(1008, "disconnected by admin"),
                    bob.closeStatus().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(404, api(firstNode, "DELETE", "api/clients/" + bobId, null).statusCode(),
                    "no node has it now");
            assertEquals(404, api(firstNode, "POST", "api/clients/99999999/messages", "{\"text\":\"x\"}")
                    .statusCode());
        }
    }

    private static HttpResponse<String> api(URI node, String method, String path, String body) throws Exception {
        return ApiSuite.call(node, method, path, body, Map.of());
    }

    private static HttpResponse<String> api(URI node, String method, String path, String body,
                                            Map<String, String> headers) throws Exception {
        return ApiSuite.call(node, method, path, body, headers);
    }

    private static URI room(URI node, String room, String name) {
        return node.resolve("rooms/" + room + "?name=" + name);
    }

    @Test
    void membersCountsJoinsAndDeparturesAreClusterWide() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(room(StandaloneFixture.base(first), room, "ann"))) {
            JsonObject annWelcome = expect(ann, "welcome");
            String annId = annWelcome.getJsonObject("you").getString("id");
            JsonObject bobWelcome;
            String bobId;
            try (HeraldClient bob = HeraldClient.connect(room(second.uri(), room, "bob"))) {
                bobWelcome = expect(bob, "welcome");
                bobId = bobWelcome.getJsonObject("you").getString("id");
                assertEquals(Set.of(annId, bobId), ids(bobWelcome), "bob's welcome lists ann, who is on the other node");
                assertNotEquals(annId, bobId, "member ids are unique across the cluster");

                JsonObject joined = expect(ann, "joined");
                assertEquals(bobId, joined.getJsonObject("member").getString("id"));
                assertEquals(2, joined.getInt("count"), "the count is the cluster's");

                ann.sendText("{\"type\":\"presence\"}");
                assertEquals(Set.of(annId, bobId), ids(expect(ann, "presence")));

                bob.sendText(publish("hello from the second node"));
                JsonObject atAnn = expect(ann, "message");
                JsonObject atBob = expect(bob, "message");
                assertEquals(atBob.getJsonNumber("offset").longValue(), atAnn.getJsonNumber("offset").longValue());
                assertEquals("hello from the second node", atAnn.getString("text"));
                assertEquals(bobId, atAnn.getJsonObject("from").getString("id"));
            }
            JsonObject left = expect(ann, "left");
            assertEquals(bobId, left.getJsonObject("member").getString("id"));
            assertEquals("closed", left.getString("reason"));
            assertEquals(1, left.getInt("count"));
        }
    }

    @Test
    void binaryDataCrossesNodesUnchanged() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (HeraldClient ann = HeraldClient.connect(room(StandaloneFixture.base(first), room, "ann"))) {
            expect(ann, "welcome");
            try (HeraldClient bob = HeraldClient.connect(room(second.uri(), room, "bob"))) {
                expect(bob, "welcome");
                expect(ann, "joined");
                byte[] data = {0, 1, 2, (byte) 0xff, 10, 13};
                bob.sendBinary(data);
                assertEquals(new Frame.Binary(data), ann.next(WAIT), "relayed to the member on the other node");
                assertEquals(new Frame.Binary(data), bob.next(WAIT), "and to the sender");
            }
        }
    }

    @Test
    void theMembersOfANodeStoppedCleanlyLeaveWithReasonClosed() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (NodeProcess leaving = NodeProcess.start("leaving", Map.of("broker", "redis", "redis-url", redis.url()),
                Map.of());
             HeraldClient ann = HeraldClient.connect(room(StandaloneFixture.base(first), room, "ann"))) {
            expect(ann, "welcome");
            try (HeraldClient bob = HeraldClient.connect(leaving.uri().resolve("rooms/" + room + "?name=bob"))) {
                String bobId = expect(bob, "welcome").getJsonObject("you").getString("id");
                expect(ann, "joined");
                leaving.stop();
                JsonObject left = expect(ann, "left");
                assertEquals(bobId, left.getJsonObject("member").getString("id"));
                assertEquals("closed", left.getString("reason"));
            }
        }
    }

    @Test
    void classicNumbersAreUniqueAndTextsReachTheClassicClientsOfEveryNode() throws Exception {
        try (HeraldClient one = HeraldClient.connect(StandaloneFixture.base(first))) {
            assertEquals(ProtocolSuite.JOIN, one.nextText(WAIT));
            try (HeraldClient two = HeraldClient.connect(second.uri())) {
                assertEquals(ProtocolSuite.JOIN, two.nextText(WAIT), "the newcomer hears its own announcement");
                assertEquals(ProtocolSuite.JOIN, one.nextText(WAIT), "the other node's newcomer is announced here");

                one.sendText("from one");
                two.sendText("from two");
                List<String> atOne = List.of(one.nextText(WAIT), one.nextText(WAIT));
                List<String> atTwo = List.of(two.nextText(WAIT), two.nextText(WAIT));
                assertEquals(atOne, atTwo, "both nodes' classic clients hear one order");
                Map<String, String> numbers = atOne.stream().map(SAID::matcher).filter(Matcher::matches)
                        .collect(Collectors.toMap(m -> m.group(2), m -> m.group(1)));
                assertEquals(Set.of("from one", "from two"), numbers.keySet());
                assertNotEquals(numbers.get("from one"), numbers.get("from two"),
                        "classic numbers are unique across the cluster");
            }
        }
    }

    @Test
    void theMembersOfANodeThatDiesAreReportedAsNodeLostWithinFifteenSeconds() throws Exception {
        String room = ProtocolSuite.newRoom();
        try (NodeProcess doomed = NodeProcess.start("doomed", Map.of("broker", "redis", "redis-url", redis.url()),
                Map.of());
             HeraldClient ann = HeraldClient.connect(room(StandaloneFixture.base(first), room, "ann"))) {
            expect(ann, "welcome");
            try (HeraldClient bob = HeraldClient.connect(doomed.uri().resolve("rooms/" + room + "?name=bob"))) {
                String bobId = expect(bob, "welcome").getJsonObject("you").getString("id");
                assertEquals(bobId, expect(ann, "joined").getJsonObject("member").getString("id"));
                long killed = System.nanoTime();
                doomed.kill9();
                JsonObject left = Frames.json(ann.nextText(Duration.ofSeconds(20)));
                double seconds = (System.nanoTime() - killed) / 1e9;
                assertEquals("left", left.getString("type"), left.toString());
                assertEquals(bobId, left.getJsonObject("member").getString("id"));
                assertEquals("node_lost", left.getString("reason"));
                assertEquals(1, left.getInt("count"));
                assertTrue(seconds <= 15, "node_lost came after " + seconds + " s");
            }
        }
    }

    private static Set<String> ids(JsonObject frame) {
        return frame.getJsonArray("members").getValuesAs(JsonObject.class).stream()
                .map(member -> ((JsonString) member.get("id")).getString()).collect(Collectors.toSet());
    }
}
