package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.ClientOptions;
import dev.herald.client.HeraldClient;
import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The standalone server serves the browser page at {@code /chat/} over plain HTTP, and sends a GET of {@code /}
 * there, while WebSocket upgrades of {@code /} still reach the classic endpoint. Needs no browser, so it runs in every build; the page itself is tested
 * in Chromium by {@link ChatPageBrowserIT}.
 */
@Timeout(60)
class StandalonePageIT {

    private static StandaloneServer server;
    private static URI http;
    /** HTTP/1.1 as browsers speak it over plain http. The JDK client's default adds an h2c upgrade offer, which
     * browsers never send and which Grizzly answers without a Content-Type. */
    private final HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneFixture.start(Map.of());
        http = URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(http.resolve(path)).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aGetOfTheRootLeadsToThePageWhichServesItsFiles() throws Exception {
        for (String path : List.of("/", "/chat")) {
            HttpResponse<String> redirect = get(path);
            assertEquals(302, redirect.statusCode(), path);
            assertTrue(redirect.headers().firstValue("Location").orElse("").endsWith("/chat/"), path);
        }
        HttpResponse<String> page = get("/chat/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html;charset=UTF-8", page.headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        // An idle keep-alive connection from a browser would hold a stopping server's drain open.
        assertEquals("close", page.headers().firstValue("Connection").orElse(""));
        assertTrue(page.body().contains("<script src=\"app.js\" defer></script>"), page.body());
        assertTrue(page.body().contains("Content-Security-Policy"), "the page lost its content security policy");
        for (Map.Entry<String, String> file : Map.of("/chat/app.js", "text/javascript", "/chat/style.css", "text/css",
                "/chat/favicon.svg", "image/svg+xml", "/chat/index.html", "text/html").entrySet()) {
            HttpResponse<String> response = get(file.getKey());
            assertEquals(200, response.statusCode(), file.getKey());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(file.getValue()), file.getKey());
        }
        assertEquals(404, get("/no-such-file.html").statusCode());
    }

    @Test
    void upgradesOfTheSamePathStillReachTheEndpoints() throws Exception {
        assertEquals(302, get("/").statusCode());
        // A browser on this page sends the server's own origin, which the origin policy allows.
        ClientOptions asThePage = ClientOptions.defaults().withOrigin("http://127.0.0.1:" + server.port());
        try (HeraldClient classic = HeraldClient.connect(URI.create(server.uri()), asThePage);
             HeraldClient room = HeraldClient.connect(URI.create(server.uri() + "rooms/page?name=ann"), asThePage)) {
            assertEquals(ProtocolSuite.JOIN, classic.nextText(WAIT));
            assertEquals("ann", expect(room, "welcome").getJsonObject("you").getString("name"));
        }
        assertEquals(302, get("/").statusCode());
    }

    /** The page's promise that user text is never parsed as HTML, kept by never using an HTML sink at all. */
    @Test
    void thePageScriptHasNoHtmlSinks() throws Exception {
        String script = Files.readString(Path.of("src/main/webapp/chat/app.js"));
        for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "setTimeout('", "setTimeout(\"")) {
            assertFalse(script.contains(sink), "app.js uses " + sink);
        }
        assertTrue(Pattern.compile("\\.textContent = frame\\.text;").matcher(script).find(), "messages are set as text");
    }
}
