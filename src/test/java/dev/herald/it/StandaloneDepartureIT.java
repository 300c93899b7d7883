package dev.herald.it;

import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Simultaneous departures on the standalone server (Tyrus on Grizzly). */
class StandaloneDepartureIT extends DepartureSuite {

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
