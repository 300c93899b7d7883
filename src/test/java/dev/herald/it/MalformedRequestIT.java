package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import dev.herald.standalone.StandaloneServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13, item 6, on a real standalone server through raw sockets: malformed paths and WebSocket handshakes get
 * 400 at once, with no body (no stack trace, no version), the connection closed, and nothing logged above INFO;
 * a bystander is served throughout.
 */
@Timeout(60)
class MalformedRequestIT {

    private static StandaloneServer server;
    private static HeraldClient bystander;
    private static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneFixture.start(Map.of());
        bystander = HeraldClient.connect(StandaloneFixture.base(server));
        assertEquals(ProtocolSuite.JOIN, bystander.nextText(WAIT));
        log = LogCapture.install();
    }

    @AfterAll
    static void stop() throws Exception {
        log.close();
        bystander.close();
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../etc/passwd", "/%2e%2e/etc/passwd", "/chat/%2E%2E/%2e%2e/x", "/..%5c..%5cwindows",
            "/%c0%ae%c0%ae/x", "/%00", "/chat/%00.js", "/chat/../../x", "/a%zz", "/a%", "/%e0%80%ae", "/.",
            "/rooms/..", "/chat/%5c"})
    void aMalformedPathGets400WithNoBodyAndNothingLogged(String path) throws Exception {
        String answer = exchange("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400"), path + " -> " + answer);
        assertTrue(answer.toLowerCase().contains("content-length: 0"), answer);
        assertEquals("", body(answer), "no internals in the body");
        assertEquals("", log.unexpected(record -> false), "nothing logged above INFO for " + path);
        bystanderIsServed();
    }

    @Test
    void aHandshakeWithoutAKeyOrWithABadKeyGets400AtOnce() throws Exception {
        for (String key : List.of("", "Sec-WebSocket-Key: not base64!!\r\n", "Sec-WebSocket-Key: c2hvcnQ=\r\n",
                "Sec-WebSocket-Key: " + "QUFBQUFBQUFBQUFBQUFBQUFBQUE=" + "\r\n")) {
            long start = System.nanoTime();
            String answer = exchange("GET /rooms/lobby HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" + key + "\r\n");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(answer.startsWith("HTTP/1.1 400"), key + " -> " + answer);
            assertTrue(millis < 2_000, "answered at once, not at the handshake deadline: " + millis + " ms");
        }
        assertEquals("", log.unexpected(record -> false), "nothing logged above INFO");
        bystanderIsServed();
    }

    @Test
    void wellFormedRequestsStillPass() throws Exception {
        assertTrue(exchange("GET /chat/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").startsWith("HTTP/1.1 200"));
        assertTrue(exchange("GET /chat/app.js?v=%2e HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").startsWith("HTTP/1.1 200"));
        String upgrade = exchange("GET /rooms/lobby?name=raw HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertTrue(upgrade.startsWith("HTTP/1.1 101"), upgrade);
    }

    private static void bystanderIsServed() throws Exception {
        bystander.sendText("still here");
        assertTrue(bystander.nextText(WAIT).endsWith("said: still here"));
    }

    /** Sends {@code request} on a fresh socket and reads the answer's head (and body, if any) until the server closes or 1 s of silence. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(1_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    if (answer.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")
                            && answer.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
                        break; // an upgrade: the WebSocket stays open
                    }
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // the answer is complete: a kept-alive connection sends nothing more
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String body(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        return end < 0 ? answer : answer.substring(end + 4);
    }
}
