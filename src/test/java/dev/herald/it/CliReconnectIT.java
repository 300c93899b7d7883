package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The interactive CLI, as its own process, keeps its session through a server drain and restart and through an
 * abrupt cut, and says what happened in words on stderr.
 */
@Timeout(120)
class CliReconnectIT {

    private static final Duration BACK = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(20);
    private static final Pattern SHOWN = Pattern.compile("^\\[cut\\] bob: m(\\d+)$");

    private StandaloneServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRoomSessionSurvivesADrainAndARestartAndSaysTheHistoryWasLost() throws Exception {
        server = StandaloneFixture.start(Map.of(Setting.DRAIN_SECONDS, "5"));
        int port = server.port();
        try (CliProcess ann = CliProcess.start("--room", "lobby", "--name", "ann", server.uri())) {
            ann.awaitLine("^\\[lobby\\] \\* you joined as ann; members: ann$", WAIT);
            server.close();
            server = null;
            ann.awaitError("^herald: 1012 service restart: the server is restarting; connect again; "
                    + "reconnecting in \\d+\\.\\d s…$", WAIT);
            server = StandaloneFixture.start(Map.of(Setting.PORT, Integer.toString(port)));
            ann.awaitError("^herald: back, but the room's history was lost$", BACK);
            ann.awaitLine("^\\[lobby\\] \\* you joined as ann; members: ann$", WAIT);
            try (HeraldClient bob = HeraldClient.connect(URI.create(server.uri()).resolve("rooms/lobby?name=bob"))) {
                expect(bob, "welcome");
                bob.sendText(publish("after the restart"));
                ann.awaitLine("^\\[lobby\\] bob: after the restart$", WAIT);
                ann.writeLine("hi bob");
                // bob first hears his own message, then ann's
                assertEquals("after the restart", expect(bob, "message").getString("text"));
                assertEquals("hi bob", expect(bob, "message").getString("text"));
            }
            ann.closeInput();
            assertEquals(0, ann.awaitExit(EXIT), ann.toString());
            assertFalse(ann.stderr().contains("connection closed by the server"), ann.stderr());
        }
    }

    @Test
    void withNoReconnectADrainEndsTheSessionWithExitCode4() throws Exception {
        server = StandaloneFixture.start(Map.of(Setting.DRAIN_SECONDS, "5"));
        try (CliProcess ann = CliProcess.start("--no-reconnect", "--room", "lobby", "--name", "ann", server.uri())) {
            ann.awaitLine("^\\[lobby\\] \\* you joined as ann; members: ann$", WAIT);
            server.close();
            server = null;
            assertEquals(4, ann.awaitExit(EXIT), ann.toString());
            assertTrue(ann.stderr().contains("connection closed by the server: 1012 service restart"), ann.stderr());
            assertFalse(ann.stderr().contains("reconnecting"), ann.stderr());
        }
    }

    @Test
    void theClassicChatReconnectsAndSaysItKeepsNoHistory() throws Exception {
        server = StandaloneFixture.start(Map.of());
        try (TcpProxy proxy = TcpProxy.to(server.port());
             CliProcess cli = CliProcess.start("ws://127.0.0.1:" + proxy.port() + "/")) {
            cli.awaitLine("^Hey all, a new client has joined us$", WAIT);
            proxy.cutAll();
            cli.awaitError("^herald: 1006 connection lost.*; reconnecting in \\d+\\.\\d s…$", WAIT);
            cli.awaitError("^herald: back \\(the classic chat keeps no history\\)$", BACK);
            cli.awaitLine("^Hey all, a new client has joined us$", WAIT);
            cli.writeLine("still here");
            cli.awaitLine("^Client\\(\\d+\\) said: still here$", WAIT);
            cli.closeInput();
            assertEquals(0, cli.awaitExit(EXIT), cli.toString());
        }
    }

    @Test
    void anAbruptCutIsResumedAndEveryMessageIsPrintedOnceInOrder() throws Exception {
        server = StandaloneFixture.start(Map.of(Setting.RATE_PER_SECOND, "10000", Setting.RATE_BURST, "10000"));
        try (TcpProxy proxy = TcpProxy.to(server.port());
             CliProcess ann = CliProcess.start("--room", "cut", "--name", "ann", "ws://127.0.0.1:" + proxy.port() + "/");
             HeraldClient bob = HeraldClient.connect(URI.create(server.uri()).resolve("rooms/cut?name=bob"))) {
            ann.awaitLine("^\\[cut\\] \\* you joined as ann", WAIT);
            expect(bob, "welcome");
            publishAll(bob, 1, 50);
            ann.awaitLine("^\\[cut\\] bob: m50$", WAIT);

            // The cut lands in the middle of a burst, as in ReconnectingClientIT.
            CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> publishAll(bob, 51, 200));
            proxy.cutAll();
            burst.get(30, TimeUnit.SECONDS);
            ann.awaitError("^herald: 1006 connection lost.*; reconnecting in \\d+\\.\\d s…$", WAIT);
            // Published while ann is away (she waits at least 0.5 s), and in history once acknowledged.
            publishAll(bob, 201, 209);
            bob.sendText(publish("m210", "last-while-away"));
            while (!"last-while-away".equals(Frames.next(bob).getString("ref", ""))) {
                // bob's own messages and acks before the last one
            }
            String back = ann.awaitError("^herald: back(: \\d+ missed messages? recovered|, but)", BACK);
            Matcher missed = Pattern.compile("herald: back: (\\d+) missed messages? recovered").matcher(back);
            assertTrue(missed.matches(), back);
            assertTrue(Integer.parseInt(missed.group(1)) >= 10, "201..210 were missed: " + back);

            publishAll(bob, 211, 220);
            ann.awaitLine("^\\[cut\\] bob: m220$", WAIT);
            ann.closeInput();
            assertEquals(0, ann.awaitExit(EXIT), ann.toString());
            List<Integer> shown = ann.stdout().stream().map(SHOWN::matcher).filter(Matcher::matches)
                    .map(matcher -> Integer.parseInt(matcher.group(1))).toList();
            assertEquals(IntStream.rangeClosed(1, 220).boxed().toList(), shown, "each message printed once, in order");
        }
    }

    private static void publishAll(HeraldClient bob, int from, int to) {
        try {
            for (int i = from; i <= to; i++) {
                bob.sendText(publish("m" + i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
