package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cluster tests' fixtures, a real redis-server and a Herald node in its own JVM, do what those tests rely on. */
@Timeout(90)
class ClusterFixturesIT {

    @Test
    void redisRestartsFromTheLastSavedSnapshotOnTheSamePort() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            assertEquals("OK", redis.command("SET", "k", "v"));
            assertEquals("v", redis.command("GET", "k"));
            assertEquals("OK", redis.command("SAVE"));
            assertTrue(Files.isRegularFile(redis.dir().resolve("dump.rdb")), "SAVE wrote the snapshot in dir()");
            assertEquals("OK", redis.command("SET", "k", "w"));
            assertEquals("w", redis.command("GET", "k"));
            int port = redis.port();
            long crashed = redis.pid();

            redis.kill();
            assertThrows(IOException.class, () -> redis.command("PING"), "a killed server no longer answers");
            assertSame(redis, redis.restart(), "restart() returns the fixture itself, so one close() suffices");

            assertEquals(port, redis.port());
            assertEquals("redis://127.0.0.1:" + port + "/0", redis.url());
            assertNotEquals(crashed, redis.pid());
            assertTrue(redis.command("INFO", "server").contains("process_id:" + redis.pid()));
            assertEquals("v", redis.command("GET", "k"), "the write after SAVE is lost: the older snapshot was loaded");
            assertEquals("1", redis.command("DBSIZE"));
        }
    }

    @Test
    void redisErrorRepliesAndAStoppedServerFailTheCommand() throws Exception {
        RedisProcess redis = RedisProcess.start();
        try {
            IOException error = assertThrows(IOException.class, () -> redis.command("NO-SUCH-COMMAND"));
            assertTrue(error.getMessage().contains("ERR unknown command"), error.getMessage());
            assertEquals("", redis.command("GET", "absent"), "a nil reads as nothing, as redis-cli --raw prints it");
            assertEquals("0", redis.command("CLIENT", "KILL", "TYPE", "pubsub"));
            assertEquals("OK", redis.command("FLUSHALL"));
        } finally {
            redis.stop();
        }
        redis.stop();
        redis.kill();
        assertThrows(IOException.class, () -> redis.command("PING"), "stop() and kill() are idempotent; it stays down");
    }

    @Test
    void aKilledNodeDropsItsClientsWithoutACloseFrame() throws Exception {
        try (NodeProcess node = NodeProcess.start("fixtures", Map.of(), Map.of());
             HeraldClient ann = HeraldClient.connect(node.uri().resolve("rooms/x?name=ann"))) {
            expect(ann, "welcome");
            assertTrue(node.log().contains("Herald listening on " + node.uri()), node.log());
            assertEquals(node.port(), node.uri().getPort());

            node.kill9();

            CloseStatus status = ann.closeStatus().get(5, TimeUnit.SECONDS);
            assertEquals(CloseStatus.ABNORMAL, status.code(), status.toString());
            assertFalse(ann.isOpen());
        }
    }

    @Test
    void aNodeThatCannotStartFailsAtOnceWithItsLog() {
        // Its only key source would come from the environment, which is exactly what the fixture clears and sets.
        long started = System.nanoTime();
        IOException failure = assertThrows(IOException.class,
                () -> NodeProcess.start("no-key", Map.of(), Map.of("HERALD_AUTH", "jwt")).close());
        assertTrue(failure.getMessage().contains("auth=jwt needs exactly one key source"), failure.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20),
                "an exit ends the wait, not the 30 s deadline");
    }
}
