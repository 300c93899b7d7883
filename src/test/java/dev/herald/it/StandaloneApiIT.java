package dev.herald.it;

import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The API suite against the standalone server, its key read from {@code api-key-file}. */
class StandaloneApiIT extends ApiSuite {

    private static StandaloneServer server;

    @BeforeAll
    static void start(@TempDir Path directory) throws Exception {
        Path keyFile = Files.writeString(directory.resolve("api.key"), KEY + "\n");
        server = StandaloneFixture.start(Map.of(Setting.API_KEY_FILE, keyFile.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected URI base() {
        return StandaloneFixture.base(server);
    }
}
