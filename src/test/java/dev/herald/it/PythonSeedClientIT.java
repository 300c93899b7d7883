package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.HeraldSettings;
import dev.herald.standalone.StandaloneServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed's Python {@code websocket-client} snippet, run unchanged against a standalone server with the
 * default settings (127.0.0.1:9001). Runs in the {@code interop} profile, which needs Python's
 * {@code websocket-client} (Debian: {@code python3-websocket}); the interpreter is {@code -Dherald.python}.
 */
@Timeout(60)
class PythonSeedClientIT {

    @Test
    void theSeedsSnippetPrintsTheJoinAnnouncementFirst() throws Exception {
        String python = System.getProperty("herald.python", "python3");
        try (StandaloneServer server = StandaloneServer.start(HeraldSettings.defaults())) {
            assertEquals(9001, server.port());
            Process process = new ProcessBuilder(python, Path.of("src/test/python/seed_client.py").toString())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the snippet did not finish");
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals(0, process.exitValue(), "python failed: " + lines);
            assertEquals("Hey all, a new client has joined us", lines.get(0));
            assertTrue(lines.get(1).matches("Client\\(\\d+\\) said: hello from the seed"), lines.get(1));
        }
    }
}
