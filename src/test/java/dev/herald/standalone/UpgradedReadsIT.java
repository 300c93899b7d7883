package dev.herald.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seam {@link UpgradedReads}, on a real standalone server in this JVM with real WebSocket clients (the JDK's):
 * with Tyrus's mark, an upgraded connection keeps no HTTP request object, and its frames are still read; with a mark
 * Tyrus does not set (what another Tyrus version would mean), every read takes Grizzly's HTTP filter as before, and
 * the connections are served just the same.
 */
@Timeout(120)
class UpgradedReadsIT {

    private static final int CONNECTIONS = 200;
    private static final String HTTP_REQUEST = "org.glassfish.grizzly.http.HttpServerFilter$ServerHttpRequestImpl";
    private static final long WAIT_SECONDS = 10;

    @Test
    void anUpgradedConnectionKeepsNoHttpRequestAndItsFramesAreRead() throws Exception {
        serveAndCountRequests(UpgradedReads.TYRUS_CONNECTION, requests -> assertTrue(requests < CONNECTIONS / 10,
                requests + " more HTTP requests reachable with " + CONNECTIONS + " connections open"));
    }

    @Test
    void withoutTyrusMarkEveryReadTakesTheHttpFilterAsBefore() throws Exception {
        serveAndCountRequests("not.what.tyrus.sets", requests -> assertTrue(requests >= CONNECTIONS * 9 / 10,
                "the fallback keeps each upgrade request, as Tyrus's own path does: " + requests));
    }

    private static void serveAndCountRequests(String upgradedMark, IntConsumer check) throws Exception {
        Map<Setting, String> values = Map.of(Setting.HOST, "127.0.0.1", Setting.PORT, "0",
                Setting.MAX_CONNECTIONS_PER_ADDRESS, Integer.toString(CONNECTIONS * 2),
                Setting.CONNECT_RATE_PER_ADDRESS, "100000");
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> open = new ArrayList<>();
        try (StandaloneServer server = StandaloneServer.start(SettingsLoader.load(values::get), upgradedMark)) {
            URI base = URI.create(server.uri());
            // Counted from here: what other servers of this JVM left is not this server's.
            int requestsBefore = liveInstances(HTTP_REQUEST);
            for (int i = 0; i < CONNECTIONS - 2; i++) {
                Texts texts = new Texts();
                open.add(http.newWebSocketBuilder().buildAsync(base.resolve("rooms/idle-" + i + "?name=c" + i), texts)
                        .get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertEquals("welcome", texts.next().getString("type"), "connection " + i);
            }
            Texts annTexts = new Texts();
            WebSocket ann = http.newWebSocketBuilder().buildAsync(base.resolve("rooms/talk?name=ann"), annTexts)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            open.add(ann);
            assertEquals("welcome", annTexts.next().getString("type"));
            Texts bobTexts = new Texts();
            open.add(http.newWebSocketBuilder().buildAsync(base.resolve("rooms/talk?name=bob"), bobTexts)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals("welcome", bobTexts.next().getString("type"));
            assertEquals("joined", annTexts.next().getString("type"));

            check.accept(liveInstances(HTTP_REQUEST) - requestsBefore);

            // Frames sent after the upgrade are read, by whichever path, and reach the room.
            ann.sendText("{\"type\":\"publish\",\"text\":\"hello\"}", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals("hello", bobTexts.next().getString("text"));
        } finally {
            open.forEach(WebSocket::abort);
        }
    }

    /** Instances of {@code className} still reachable after a full GC, from the JVM's own class histogram. */
    private static int liveInstances(String className) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        Matcher row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)",
                Pattern.MULTILINE).matcher(histogram);
        return row.find() ? Integer.parseInt(row.group(1)) : 0;
    }

    /** A client's text frames, one JSON object each. */
    private static final class Texts implements WebSocket.Listener {

        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        JsonObject next() throws InterruptedException {
            String text = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(text, "no frame within " + WAIT_SECONDS + " s");
            return Json.createReader(new StringReader(text)).readObject();
        }
    }
}
