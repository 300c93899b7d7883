package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI, run as {@code java -jar target/herald-cli.jar} in its own process against a real standalone server:
 * its output, its interactive commands, and its exit codes (0 success, 1 no connection, 2 bad options,
 * 3 timeout, 4 closed, 5 refused frame).
 */
@Timeout(90)
class CliIT {

    private static final Duration EXIT = Duration.ofSeconds(20);

    private StandaloneServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String start(Map<Setting, String> settings) throws Exception {
        server = StandaloneFixture.start(settings);
        return server.uri();
    }

    private String start() throws Exception {
        return start(Map.of());
    }

    @Test
    void theClassicEndpointSendsStdinLinesAndPrintsFramesAsTheyCome() throws Exception {
        String url = start();
        try (CliProcess cli = CliProcess.start(url)) {
            cli.awaitLine("^Hey all, a new client has joined us$", WAIT);
            try (HeraldClient other = HeraldClient.connect(URI.create(url))) {
                assertEquals(ProtocolSuite.JOIN, other.nextText(WAIT));
                cli.awaitLine("^Hey all, a new client has joined us$", WAIT);
                cli.writeLine("hello from the cli");
                assertTrue(other.nextText(WAIT).matches("Client\\(\\d+\\) said: hello from the cli"));
                other.sendText("hi cli");
                cli.awaitLine("^Client\\(\\d+\\) said: hi cli$", WAIT);
            }
            cli.closeInput();
            assertEquals(0, cli.awaitExit(EXIT), cli.toString());
        }
    }

    @Test
    void aRoomIsShownAsJoinsMessagesAndLeavesAndTheCommandsWork() throws Exception {
        URI base = URI.create(start());
        try (CliProcess ann = CliProcess.start("--room", "lobby", "--name", "ann", base.toString())) {
            ann.awaitLine("^\\[lobby\\] \\* you joined as ann; members: ann$", WAIT);
            try (HeraldClient bob = HeraldClient.connect(base.resolve("rooms/lobby?name=bob"))) {
                expect(bob, "welcome");
                ann.awaitLine("^\\[lobby\\] \\* bob joined \\(2 members\\)$", WAIT);
                bob.sendText(publish("hi ann"));
                ann.awaitLine("^\\[lobby\\] bob: hi ann$", WAIT);
                expect(bob, "message");
                ann.writeLine("hi bob");
                JsonObject message = expect(bob, "message");
                assertEquals("hi bob", message.getString("text"));
                assertEquals("ann", message.getJsonObject("from").getString("name"));
                ann.awaitLine("^\\[lobby\\] ann: hi bob$", WAIT);
                ann.writeLine("/who");
                ann.awaitLine("^\\[lobby\\] \\* members: ann, bob$", WAIT);
                ann.writeLine("/ping");
                ann.awaitLine("^\\[lobby\\] \\* pong$", WAIT);
                ann.writeLine("//slash");
                assertEquals("/slash", expect(bob, "message").getString("text"));
            }
            ann.awaitLine("^\\[lobby\\] \\* bob left \\(1 member\\)$", WAIT);
            ann.writeLine("/quit");
            assertEquals(0, ann.awaitExit(EXIT), ann.toString());
        }
    }

    @Test
    void atEndOfInputTheRoomSessionLeavesOnceWhatItSentIsAcknowledged() throws Exception {
        String url = start();
        try (CliProcess piped = CliProcess.start("--room", "lobby", "--name", "ann", url)) {
            piped.writeLine("last words");
            piped.closeInput();
            assertEquals(0, piped.awaitExit(EXIT), piped.toString());
            assertEquals(List.of("[lobby] * you joined as ann; members: ann", "[lobby] ann: last words"), piped.stdout());
        }
    }

    @Test
    void aScriptSendsCountMessagesAndSucceedsWhenItsPatternArrives() throws Exception {
        String url = start();
        CliProcess bot = CliProcess.run(EXIT, "-r", "lobby", "-n", "bot", "-s", "ping {n}", "-c", "3",
                "-e", "bot: ping 3$", url);
        assertEquals(0, bot.exitCode(), bot.toString());
        assertEquals(List.of("[lobby] * you joined as bot; members: bot",
                "[lobby] bot: ping 1", "[lobby] bot: ping 2", "[lobby] bot: ping 3"), bot.stdout());
    }

    @Test
    void aPatternThatNeverArrivesTimesOutWithExitCode3() throws Exception {
        String url = start();
        long started = System.nanoTime();
        CliProcess waiting = CliProcess.run(EXIT, "--room", "quiet", "--expect", "never said", "--timeout", "1", url);
        assertEquals(3, waiting.exitCode(), waiting.toString());
        assertTrue(waiting.stderr().contains("timed out waiting for lines matching /never said/"), waiting.stderr());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15), "the timeout was not honoured");
    }

    @Test
    void aServerThatStopsEndsTheScriptWithExitCode4AndTheCloseInWords() throws Exception {
        // The server drains on close: the CLI hears 1012, and closing returns once the CLI has hung up.
        String url = start();
        try (CliProcess waiting = CliProcess.start("--room", "lobby", "--expect", "never said", "--timeout", "60", url)) {
            waiting.closeInput();
            waiting.awaitLine("you joined as guest-", WAIT);
            server.close();
            server = null;
            assertEquals(4, waiting.awaitExit(EXIT), waiting.toString());
            assertTrue(waiting.stderr().contains(
                    "connection closed by the server: 1012 service restart: the server is restarting; connect again"),
                    waiting.stderr());
        }
    }

    @Test
    void aPolicyCloseIsShownWithItsReasonInWords() throws Exception {
        String url = start();
        CliProcess tooLong = CliProcess.run(EXIT, "-r", "lobby", "-n", "n".repeat(33), "-e", "never", url);
        assertEquals(4, tooLong.exitCode(), tooLong.toString());
        assertTrue(tooLong.stderr().contains(
                "1008 policy violation \"invalid name\": a name is at most 32 characters"), tooLong.stderr());
    }

    @Test
    void aFrameTheServerRefusesEndsTheScriptWithExitCode5() throws Exception {
        String url = start(Map.of(Setting.RATE_PER_SECOND, "1", Setting.RATE_BURST, "1"));
        CliProcess flood = CliProcess.run(EXIT, "-r", "lobby", "-n", "fast", "-s", "burst {n}", "-c", "5", url);
        assertEquals(5, flood.exitCode(), flood.toString());
        assertTrue(flood.stdout().stream().anyMatch(line -> line.startsWith("[lobby] ! error rate_limited: ")),
                flood.toString());
        assertTrue(flood.stderr().contains("the server refused a frame"), flood.stderr());
    }

    @Test
    void noConnectionExitsWith1AndSaysWhy() throws Exception {
        String url = start();
        CliProcess foreign = CliProcess.run(EXIT, "--origin", "https://evil.example", "-e", "x", url);
        assertEquals(1, foreign.exitCode(), foreign.toString());
        assertTrue(foreign.stderr().contains("refused the connection with HTTP 403"), foreign.stderr());

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CliProcess unreachable = CliProcess.run(EXIT, "-t", "5", "ws://127.0.0.1:" + closedPort + "/");
        assertEquals(1, unreachable.exitCode(), unreachable.toString());
        assertTrue(unreachable.stderr().contains("cannot connect to ws://127.0.0.1:" + closedPort), unreachable.stderr());
    }

    @Test
    void ownOriginAndASubprotocolOfferAreAccepted() throws Exception {
        String url = start();
        String origin = "http://127.0.0.1:" + server.port();
        CliProcess browserLike = CliProcess.run(EXIT, "--origin", origin, "--subprotocol", "herald.v1",
                "-s", "as a browser", "-e", "said: as a browser$", url);
        assertEquals(0, browserLike.exitCode(), browserLike.toString());
    }

    @Test
    void badOptionsExitWith2() throws Exception {
        String url = start();
        for (List<String> args : List.of(
                List.of("--count", "0", "-s", "x", url),
                List.of("http://127.0.0.1:9001/"),
                List.of("--room", "no spaces", url),
                List.of("--name", "classic has no names", url),
                List.of("--no-such-option", url))) {
            CliProcess bad = CliProcess.run(EXIT, args.toArray(String[]::new));
            assertEquals(2, bad.exitCode(), args + ": " + bad);
            assertFalse(bad.stderr().isBlank(), args + " gave no message");
        }
    }

    @Test
    void jsonPrintsTheRawFramesInUtf8() throws Exception {
        String url = start();
        CliProcess raw = CliProcess.run(EXIT, "--json", "-r", "lobby", "-n", "raw", "-s", "héllo ✓ 你好",
                "-e", "^\\{\"type\":\"ack\"", url);
        assertEquals(0, raw.exitCode(), raw.toString());
        List<String> lines = raw.stdout();
        assertTrue(lines.get(0).startsWith("{\"type\":\"welcome\""), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"type\":\"message\"") && lines.get(1).contains("\"text\":\"héllo ✓ 你好\""),
                lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"type\":\"ack\""), lines.get(2));
    }

    @Test
    void controlCharactersFromOthersAreShownEscapedOnOneLine() throws Exception {
        URI base = URI.create(start());
        try (CliProcess ann = CliProcess.start("--room", "lobby", "--name", "ann", "--expect", "mallory: ", base.toString())) {
            ann.closeInput();
            ann.awaitLine("you joined as ann", WAIT);
            HeraldClient mallory = HeraldClient.connect(base.resolve("rooms/lobby?name=mallory"));
            expect(mallory, "welcome");
            mallory.sendText(publish("\u001b[2J\u001b[31mred\n[lobby] bob: fake\u0007"));
            assertEquals(0, ann.awaitExit(EXIT), ann.toString());
            String line = ann.stdout().get(ann.stdout().size() - 1);
            assertEquals("[lobby] mallory: \\u001b[2J\\u001b[31mred\\n[lobby] bob: fake\\u0007", line);
            assertTrue(ann.stdout().stream().noneMatch(printed -> printed.chars().anyMatch(Character::isISOControl)));
            mallory.close();
        }
    }

    @Test
    void wssWorksWithATruststoreWhosePasswordComesFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
        String password = "cli-" + Long.toHexString(System.nanoTime());
        ProcessBuilder keytool = new ProcessBuilder("bash", "server-config/tls/make-dev-keystore.sh", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile());
        keytool.environment().put("HERALD_KEYSTORE_PASSWORD", password);
        Process script = keytool.start();
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "keytool script timed out");
        assertEquals(0, script.exitValue(), "make-dev-keystore.sh failed");
        Path passwordFile = Files.writeString(dir.resolve("password"), password + "\n");
        String url = start(Map.of(Setting.KEYSTORE, dir.resolve("herald-keystore.p12").toString(),
                Setting.KEYSTORE_PASSWORD_FILE, passwordFile.toString()));
        assertTrue(url.startsWith("wss://"), url);
        String truststore = dir.resolve("herald-truststore.p12").toString();

        CliProcess fromEnvironment = CliProcess.run(Map.of("HERALD_TRUSTSTORE_PASSWORD", password), EXIT,
                "--truststore", truststore, "-s", "over tls", "-e", "said: over tls$", url);
        assertEquals(0, fromEnvironment.exitCode(), fromEnvironment.toString());

        CliProcess fromFile = CliProcess.run(EXIT, "--truststore", truststore,
                "--truststore-password-file", passwordFile.toString(), "-r", "secure", "-n", "tls",
                "-s", "still tls", "-e", "tls: still tls$", url);
        assertEquals(0, fromFile.exitCode(), fromFile.toString());

        CliProcess untrusting = CliProcess.run(EXIT, "-t", "5", "-e", "x", url);
        assertEquals(1, untrusting.exitCode(), untrusting.toString());
    }

    @Test
    void aTokenFromTheEnvironmentOrAFileSignsInAndItsSubjectIsTheName(@TempDir Path dir) throws Exception {
        String secret = "a-cli-test-secret-that-is-at-least-32-bytes";
        Path secretFile = Files.writeString(dir.resolve("jwt-secret"), secret);
        String url = start(Map.of(Setting.AUTH, "jwt", Setting.JWT_SECRET_FILE, secretFile.toString(),
                Setting.JWT_ISSUER, Tokens.ISSUER, Setting.JWT_AUDIENCE, Tokens.AUDIENCE));
        String token = Tokens.sign(Tokens.valid("alice"), JWSAlgorithm.HS256, new MACSigner(secret));

        CliProcess fromEnvironment = CliProcess.run(Map.of("HERALD_TOKEN", token), EXIT,
                "-r", "lobby", "-n", "mallory", "-s", "signed in", "-e", "^\\[lobby\\] alice: signed in$", url);
        assertEquals(0, fromEnvironment.exitCode(), fromEnvironment.toString());
        assertTrue(fromEnvironment.stderr().contains("(subprotocol herald.v1)"), fromEnvironment.stderr());
        assertFalse(fromEnvironment.stderr().contains(token), "the token was printed");

        Path tokenFile = Files.writeString(dir.resolve("alice.jwt"), token + "\n");
        CliProcess fromFile = CliProcess.run(EXIT, "--token-file", tokenFile.toString(), "-s", "classic too",
                "-e", "said: classic too$", url);
        assertEquals(0, fromFile.exitCode(), fromFile.toString());

        CliProcess without = CliProcess.run(EXIT, "-r", "lobby", "-e", "never", url);
        assertEquals(4, without.exitCode(), without.toString());
        assertTrue(without.stderr().contains("1008 policy violation \"unauthorized\""), without.stderr());
    }

    @Test
    void helpListsTheOptionsAndExitCodes() throws Exception {
        CliProcess help = CliProcess.run(EXIT, "--help");
        assertEquals(0, help.exitCode(), help.toString());
        String text = String.join("\n", help.stdout());
        for (String expected : List.of("--room", "--name", "--origin", "--subprotocol", "--truststore", "--json",
                "--send", "--count", "--expect", "--timeout", "--token-file", "Exit codes:", "3   timeout", "4   closed")) {
            assertTrue(text.contains(expected), "help lacks " + expected + ":\n" + text);
        }
    }
}
