package dev.herald.it;

import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The protocol suite against a standalone node on the Redis broker: one node of a cluster answers exactly as a
 * lone node does (protocol.md §7).
 */
class RedisNodeProtocolIT extends ProtocolSuite {

    private static RedisProcess redis;
    private static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        // The default settings: through Redis the fan-out runs on its own thread and a burst arrives whole, which is
        // what showed that protocol 1.1's 1 MiB queue did not hold one member's burst (issue 13, item 2).
        server = StandaloneFixture.start(Map.of(Setting.BROKER, "redis", Setting.REDIS_URL, redis.url()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected URI base() {
        return StandaloneFixture.base(server);
    }
}
