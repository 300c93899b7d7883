package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API key at start-up, on a real standalone server (one server per JVM at a time, so apart from
 * {@link StandaloneApiIT}): with no key the API is off (404), and a key that is unreadable or shorter than 32 bytes
 * stops the server from starting, without echoing the key.
 */
class StandaloneApiKeyIT {

    private static final String KEY = ApiSuite.KEY;

    @Test
    void withNoKeyTheApiIsOff() throws Exception {
        // The standalone execution hands this JVM no HERALD_API_KEY (only the containers get one), so a server with
        // no api-key-file has no key at all.
        assertEquals(null, System.getenv("HERALD_API_KEY"), "run this test without HERALD_API_KEY in the environment");
        try (StandaloneServer keyless = StandaloneFixture.start(Map.of())) {
            HttpResponse<String> off = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(keyless.uri().replaceFirst("^ws", "http")).resolve("api/rooms"))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, off.statusCode(), off.body());
        }
    }

    @Test
    void anUnreadableKeyFileStopsTheServerFromStarting() {
        IOException refused = assertThrows(IOException.class,
                () -> StandaloneFixture.start(Map.of(Setting.API_KEY_FILE, "/nonexistent/herald-api.key")));
        assertTrue(refused.getMessage().contains("api-key-file"), refused.getMessage());
    }

    @Test
    void aKeyShorterThan32BytesStopsTheServerFromStartingWithoutEchoingIt(@TempDir Path directory) throws Exception {
        Path keyFile = Files.writeString(directory.resolve("short.key"), "short-secret-1234");
        IOException refused = assertThrows(IOException.class,
                () -> StandaloneFixture.start(Map.of(Setting.API_KEY_FILE, keyFile.toString())));
        assertTrue(refused.getMessage().contains("at least 32 bytes"), refused.getMessage());
        assertFalse(refused.getMessage().contains("short-secret-1234"), "the key is never echoed");
    }
}
