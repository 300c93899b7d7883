package dev.herald.it;

import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The continuity suite against the standalone server (a restart is in {@link StandaloneRestartIT}). */
class StandaloneContinuityIT extends ContinuitySuite {

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
}
