package dev.herald.it;

import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The protocol suite standalone with {@code raw-frames=off}: every frame through the standard WebSocket API, the
 * path Herald falls back to where the runtime has no Tyrus raw frame access (WildFly).
 */
class StandaloneStandardApiIT extends ProtocolSuite {

    private static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneFixture.start(Map.of(Setting.RAW_FRAMES, "off"));
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
