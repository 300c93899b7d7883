package dev.herald.it;

import static dev.herald.it.Frames.json;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.herald.client.Frame;
import dev.herald.client.HandshakeRefusedException;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile input against a real standalone server (issue 5, item 4). Every case asserts the documented error
 * frame or close code, and that bystanders are unaffected: a room member in the same room and a classic
 * client each publish after the attack and get their message back. After each case the server must be back
 * to no connections and must have logged no warning or stack trace; after the suite its threads and file
 * descriptors must be back to the baseline taken before it.
 *
 * <p>Where the contract is silent the tests assert the behaviour observed and judged sensible; each such
 * place says so. Close codes 1002 (protocol error) and 1007 (invalid UTF-8) come from the WebSocket runtime
 * (RFC 6455 §7.4.1), not from Herald.
 */
@Timeout(60)
class HostileInputIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_MESSAGE_BYTES = 65_536;
    private static final int PER_ADDRESS_CAP = 50;
    private static final String JOIN = ProtocolSuite.JOIN;
    /** The wire form of a publish without its text: {@code {"type":"publish","text":""}}. */
    private static final int PUBLISH_OVERHEAD = publish("").length();
    /**
     * Threads of the standalone server: the listener's selector ({@code HttpServer-…}) and workers, and Herald's
     * heartbeat. ({@code Grizzly(n)} threads belong to the Tyrus client's shared transport in this JVM.)
     */
    private static final List<String> SERVER_THREAD_PREFIXES = List.of("Grizzly-worker(", "HttpServer-", "herald-");

    private static StandaloneServer server;
    private static URI base;
    private static LogCapture logs;
    private static int baselineServerThreads;
    private static int baselineThreads;
    private static long baselineDescriptors;
    private static final AtomicInteger ROOMS = new AtomicInteger();

    private final AtomicInteger probes = new AtomicInteger();
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
    private Predicate<LogRecord> expectedLogs = record -> false;
    private String room;
    private HeraldClient roomBystander;
    private String roomBystanderId;
    private HeraldClient classicBystander;
    /** Connections the hub counted before this test's bystanders: 0, unless an earlier test leaked some. */
    private int leftOver;
    /** The close frame that {@link #expectClose} saw last. */
    private RawWebSocket.Received lastClose;

    /** A raw client in this test's room and its member id. */
    private record Attacker(RawWebSocket ws, String id) {
    }

    // ---- the server, its baseline, and the bystanders ------------------------------------------------------

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneFixture.start(Map.of(
                Setting.MAX_CONNECTIONS_PER_ADDRESS, Integer.toString(PER_ADDRESS_CAP),
                // Every attacker and bystander here comes from 127.0.0.1, hundreds of them within seconds; the connect
                // rate has its own test (StandaloneLimitsIT), and would otherwise answer these attacks first.
                Setting.CONNECT_RATE_PER_ADDRESS, "100000",
                Setting.RATE_ABUSE_SECONDS, "1"));
        base = StandaloneFixture.base(server);
        warmUp();
        baselineServerThreads = serverThreads().size();
        baselineThreads = Thread.activeCount();
        baselineDescriptors = openDescriptors();
        System.out.printf("HostileInputIT baseline: %d server threads %s, %d threads in all, %d file descriptors%n",
                baselineServerThreads, serverThreads(), baselineThreads, baselineDescriptors);
        logs = LogCapture.install();
    }

    /** Lets every pool the suite will use start its threads before the baseline is taken. */
    private static void warmUp() throws Exception {
        try (HeraldClient roomClient = HeraldClient.connect(base.resolve("rooms/warm-up"))) {
            Frames.expect(roomClient, "welcome");
            try (HeraldClient classic = HeraldClient.connect(base)) {
                assertEquals(JOIN, classic.nextText(WAIT));
                try (RawWebSocket raw = RawWebSocket.open(base, null, 0)) {
                    assertEquals(JOIN, raw.read().text());
                    roomClient.sendText(publish("warm"));
                    Frames.expect(roomClient, "message");
                }
            }
        }
        awaitTrue(() -> server.hub().connectionCount() == 0, Duration.ofSeconds(10));
    }

    @AfterAll
    static void backToBaseline() throws Exception {
        try {
            logs.close();
            boolean back = awaitTrue(() -> server.hub().connectionCount() == 0
                    && serverThreads().size() <= baselineServerThreads, Duration.ofSeconds(20));
            long descriptors = openDescriptors();
            System.out.printf("HostileInputIT after the suite: %d connections, %d server threads %s (baseline %d), "
                            + "%d threads in all (baseline %d), %d file descriptors (baseline %d)%n",
                    server.hub().connectionCount(), serverThreads().size(), serverThreads(), baselineServerThreads,
                    Thread.activeCount(), baselineThreads, descriptors, baselineDescriptors);
            assertTrue(back, "connections and server threads back to baseline: " + server.hub().connectionCount()
                    + " connections, server threads " + serverThreads() + " vs " + baselineServerThreads + " before");
            assertTrue(awaitTrue(() -> openDescriptors() <= baselineDescriptors, Duration.ofSeconds(10)),
                    "file descriptors back to baseline: " + openDescriptors() + " vs " + baselineDescriptors + " before");
        } finally {
            server.close();
        }
    }

    @BeforeEach
    void bystanders(TestInfo test) throws Exception {
        room = "hostile-" + ROOMS.incrementAndGet();
        System.out.printf("HostileInputIT > %s in room %s%n", test.getDisplayName(), room);
        leftOver = server.hub().connectionCount(); // the suite's last check reports any leak; here it must not cascade
        roomBystander = HeraldClient.connect(base.resolve("rooms/" + room + "?name=bystander"));
        JsonObject welcome = Frames.expect(roomBystander, "welcome");
        roomBystanderId = welcome.getJsonObject("you").getString("id");
        classicBystander = HeraldClient.connect(base);
        assertEquals(JOIN, classicBystander.nextText(WAIT));
        logs.clear();
    }

    /**
     * Closes the test's clients one after the other, the attackers first, so that no two members of a room are
     * closing at once (that race has its own test), then checks that nothing was logged.
     */
    @AfterEach
    void noTrace() throws Exception {
        for (AutoCloseable resource : opened) {
            if (resource instanceof RawWebSocket ws) {
                try {
                    ws.sendClose(1000);
                } catch (IOException alreadyClosed) {
                    // the server closed it: nothing to say
                }
            }
            resource.close();
        }
        boolean attackersGone = awaitTrue(() -> connections() <= 2, Duration.ofSeconds(10));
        roomBystander.close();
        classicBystander.close();
        assertTrue(attackersGone && awaitTrue(() -> connections() == 0, Duration.ofSeconds(10)),
                "every connection of the test is gone: the hub still counts " + connections() + " of them");
        String unexpected = logs.unexpected(expectedLogs);
        assertTrue(unexpected.isEmpty(), "a hostile client must not cause a warning or a stack trace in the log:\n"
                + unexpected);
    }

    // ---- JSON --------------------------------------------------------------------------------------------

    @Test
    void invalidJsonIsAnsweredWithBadJson() throws Exception {
        Attacker attacker = joinAttacker("invalid-json");
        for (String frame : List.of(
                "{",
                "nope",
                "{\"type\":\"ping\"",
                "{\"type\":}",
                "{'type':'ping'}",
                "{type:\"ping\"}",
                "{\"type\":\"ping\",}",
                "{\"type\":\"ping\"}}",
                "{\"type\":\"publish\",\"text\":\"bad \\x escape\"}",
                "{\"type\":\"publish\",\"text\":\"short \\u12 escape\"}",
                "{\"type\":\"publish\",\"text\":\"raw \u0001 control character\"}",
                "{\"type\":\"publish\",\"text\":\"unterminated}",
                "\ufeff{\"type\":\"ping\"}",
                "{\"type\":\"ping\"}\u0000")) {
            expectError(attacker, frame, "bad_json", null);
        }
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void jsonThatIsNotOneObjectIsAnsweredWithBadJson() throws Exception {
        Attacker attacker = joinAttacker("not-an-object");
        for (String frame : List.of("[]", "[{\"type\":\"ping\"}]", "\"ping\"", "42", "-0.5e3", "null", "true", "false",
                "{}{}", "{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"ping\"} 1")) {
            expectError(attacker, frame, "bad_json", null);
        }
        expectError(attacker, "{}", "unknown_type", null);
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void deeplyNestedJsonIsAnsweredWithBadJsonAndOversizeNestingIsClosedWith1009() throws Exception {
        Attacker attacker = joinAttacker("nesting");
        expectError(attacker, "[".repeat(60_000), "bad_json", null);
        expectError(attacker, "{\"a\":".repeat(13_000), "bad_json", null);
        expectError(attacker, "[".repeat(30_000) + "]".repeat(30_000), "bad_json", null);
        // The parser (Parsson, maxDepth 1000) refuses a frame 1000 levels deep; 999 levels parse, and an unknown
        // field nested that deep is ignored. (README says "deeper than 1000 levels": off by one.)
        expectError(attacker, nestedUnknownField(999), "bad_json", null);
        expectError(attacker, nestedUnknownField(1000), "bad_json", null);
        expectPublished(attacker, nestedUnknownField(998), "nested");
        assertStillHeard(attacker);

        Attacker big = joinAttacker("nesting-over-the-limit");
        big.ws().sendText("[".repeat(100_000)); // 100 000 bytes: over the size limit before any parsing
        expectClose(big.ws(), 1009, "message too big");
        assertEquals("policy", awaitLeft(big.id()));
        assertBystandersServed();
    }

    /** A publish whose unknown field {@code x} nests {@code arrays} arrays: the frame is {@code arrays + 1} deep. */
    private static String nestedUnknownField(int arrays) {
        return "{\"type\":\"publish\",\"text\":\"nested\",\"x\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}";
    }

    @Test
    void hugeStringsUpToTheLimitAreServed() throws Exception {
        Attacker attacker = joinAttacker("huge-strings");
        String ascii = "a".repeat(MAX_MESSAGE_BYTES - PUBLISH_OVERHEAD);
        assertEquals(MAX_MESSAGE_BYTES, utf8Length(publish(ascii)));
        expectPublished(attacker, publish(ascii), ascii);

        String twoByte = "é".repeat((MAX_MESSAGE_BYTES - PUBLISH_OVERHEAD) / 2);
        assertEquals(MAX_MESSAGE_BYTES, utf8Length(publish(twoByte)));
        expectPublished(attacker, publish(twoByte), twoByte);

        String filler = "f".repeat(MAX_MESSAGE_BYTES - 100);
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"small\",\"filler\":\"" + filler + "\"}", "small");
        expectError(attacker, "{\"type\":\"ping\",\"ref\":\"" + "r".repeat(60_000) + "\"}", "bad_message", null);
        expectError(attacker, "{\"type\":\"publish\",\"text\":\"t\",\"ref\":\"" + "r".repeat(65) + "\"}", "bad_message", null);
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void hugeNumbersAreRefusedOrIgnored() throws Exception {
        Attacker attacker = joinAttacker("huge-numbers");
        expectError(attacker, "{\"type\":\"publish\",\"text\":1e999999,\"ref\":\"n1\"}", "bad_message", "n1");
        expectError(attacker, "{\"type\":\"ping\",\"ref\":1e999999}", "bad_message", null);
        expectError(attacker, "{\"type\":\"publish\",\"text\":-1e-999999}", "bad_message", null);
        // An unknown field holding a number with a huge exponent is ignored like any unknown field.
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"exp\",\"n\":1e999999,\"m\":-1E-999999}", "exp");
        // The contract is silent on long numbers: the JSON parser (Parsson) refuses numbers longer than 1100
        // characters and exponents beyond an int, so a frame holding one is answered as not JSON, wherever
        // the number is.
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"1100\",\"n\":" + "9".repeat(1100) + "}", "1100");
        expectError(attacker, "{\"type\":\"publish\",\"text\":\"1101\",\"n\":" + "9".repeat(1101) + "}", "bad_json", null);
        expectError(attacker, "{\"type\":\"publish\",\"text\":\"exp\",\"n\":1e2147483648}", "bad_json", null);
        String digits = "9".repeat(10_000);
        expectError(attacker, "{\"type\":\"publish\",\"text\":" + digits + "}", "bad_json", null);
        expectError(attacker, "{\"type\":\"publish\",\"text\":\"long\",\"n\":" + digits + "}", "bad_json", null);
        expectError(attacker, "{\"type\":\"ping\",\"n\":0." + digits + "}", "bad_json", null);
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void wrongFieldTypesAreAnsweredWithTheirErrorCode() throws Exception {
        Attacker attacker = joinAttacker("wrong-types");
        for (String text : List.of("5", "true", "{\"a\":1}", "[\"a\"]", "null")) {
            expectError(attacker, "{\"type\":\"publish\",\"text\":" + text + ",\"ref\":\"w\"}", "bad_message", "w");
        }
        expectError(attacker, "{\"type\":\"publish\",\"ref\":\"missing\"}", "bad_message", "missing");
        for (String ref : List.of("5", "true", "{}", "[]")) {
            expectError(attacker, "{\"type\":\"ping\",\"ref\":" + ref + "}", "bad_message", null);
            expectError(attacker, "{\"type\":\"publish\",\"text\":\"t\",\"ref\":" + ref + "}", "bad_message", null);
        }
        expectError(attacker, "{\"type\":\"ping\",\"ref\":\"\"}", "bad_message", null);
        for (String type : List.of("5", "null", "[\"ping\"]", "{}", "\"PING\"", "\"subscribe\"", "\"\"")) {
            expectError(attacker, "{\"type\":" + type + ",\"ref\":\"t\"}", "unknown_type", "t");
        }
        expectError(attacker, "{\"ref\":\"no-type\",\"text\":\"hi\"}", "unknown_type", "no-type");
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void unknownFieldsAreIgnoredAndCannotSpoofTheMessage() throws Exception {
        Attacker attacker = joinAttacker("unknown-fields");
        JsonObject message = expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"real\",\"extra\":{\"a\":[1,{}]},"
                + "\"zz\":null,\"from\":{\"id\":\"spoofed\",\"name\":\"admin\"},\"offset\":999,\"room\":\"other\","
                + "\"ts\":\"1970-01-01T00:00:00.000Z\"}", "real");
        assertEquals(attacker.id(), message.getJsonObject("from").getString("id"));
        assertEquals(room, message.getString("room"));
        assertTrue(message.getJsonNumber("offset").longValue() < 999);
        StringBuilder manyKeys = new StringBuilder("{\"type\":\"publish\",\"text\":\"keys\"");
        for (int i = 0; i < 5_000; i++) {
            manyKeys.append(",\"k").append(i).append("\":").append(i);
        }
        expectPublished(attacker, manyKeys.append('}').toString(), "keys");
        expectPublished(attacker, "{\"text\":\"type last\",\"type\":\"publish\"}", "type last");
        attacker.ws().sendText("{\"type\":\"presence\",\"text\":5,\"members\":[]}");
        assertEquals(2, replySkippingOthers(attacker, "presence").getJsonArray("members").size());
        attacker.ws().sendText("{\"type\":\"ping\",\"ref\":\"p\",\"extra\":true}");
        assertEquals("p", replySkippingOthers(attacker, "pong").getString("ref"));
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    /** The contract is silent on duplicate keys; the last value of a key wins, for validation and use alike. */
    @Test
    void duplicateKeysTakeTheLastValue() throws Exception {
        Attacker attacker = joinAttacker("duplicate-keys");
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"first\",\"text\":\"second\"}", "second");
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":5,\"text\":\"valid last\"}", "valid last");
        expectError(attacker, "{\"type\":\"publish\",\"text\":\"valid first\",\"text\":5}", "bad_message", null);
        expectPublished(attacker, "{\"type\":\"ping\",\"type\":\"publish\",\"text\":\"was ping\"}", "was ping");
        attacker.ws().sendText("{\"type\":\"publish\",\"type\":\"ping\",\"ref\":\"r\"}");
        assertEquals("r", replySkippingOthers(attacker, "pong").getString("ref"));
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    // ---- text content ------------------------------------------------------------------------------------

    @Test
    void emptyAndWhiteSpaceTextIsAnsweredWithBadMessage() throws Exception {
        Attacker attacker = joinAttacker("empty");
        for (String text : List.of("", " ", "   ", "\\t\\n\\r ", "\\u2003", "\\u3000\\u2028")) {
            expectError(attacker, "{\"type\":\"publish\",\"text\":\"" + text + "\",\"ref\":\"e\"}", "bad_message", "e");
        }
        expectError(attacker, "", "bad_json", null);
        expectError(attacker, " \n\t ", "bad_json", null);
        // The contract is silent on which characters are white space: Java's definition is used, so a
        // no-break space and a zero-width space count as text.
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"\\u00a0\"}", "\u00a0");
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"\\u200b\"}", "\u200b");

        // The classic protocol has no error frame: an empty text is broadcast as it is.
        RawWebSocket classic = joinClassicAttacker();
        classic.sendText("");
        String said = classic.read().text();
        assertTrue(said.matches("Client\\(\\d+\\) said: "), said);
        awaitClassic(said::equals);
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void controlCharactersInTextArePublishedEscaped() throws Exception {
        Attacker attacker = joinAttacker("control");
        StringBuilder escaped = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            escaped.append(String.format("\\u%04x", (int) c));
            expected.append(c);
        }
        escaped.append("\\u007f\\u0085\\u2028\\u2029\\ufffe\\uffff");
        expected.append("\u007f\u0085\u2028\u2029\ufffe\uffff");
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"" + escaped + "\"}", expected.toString());
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"a\\u0000b\"}", "a\u0000b");
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"raw \u007f\u0085\u2028 are legal JSON\"}",
                "raw \u007f\u0085\u2028 are legal JSON");
        expectPublished(attacker, "{\"type\":\"publish\",\"text\":\"\\ud83d\\ude00 pair\"}", "\ud83d\ude00 pair");

        RawWebSocket classic = joinClassicAttacker();
        classic.sendText("nul\u0000 bell\u0007 esc\u001b");
        String said = classic.read().strictText();
        assertTrue(said.endsWith(" said: nul\u0000 bell\u0007 esc\u001b"), said);
        awaitClassic(said::equals);
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    /**
     * The contract is silent on unpaired surrogates, which JSON's escapes can express but UTF-8 cannot carry.
     * Herald must refuse them like any malformed text ({@code bad_message}, as display names are refused):
     * a frame that the runtime cannot encode for the other members must never reach their queues.
     */
    @Test
    void loneSurrogatesInTextAreRefusedAndTheRoomKeepsWorking() throws Exception {
        Attacker attacker = joinAttacker("surrogates");
        for (String text : List.of("\\ud800", "x\\udc00y", "\\udc00\\ud800", "\\udbff")) {
            String frame = "{\"type\":\"publish\",\"text\":\"" + text + "\",\"ref\":\"s\"}";
            attacker.ws().sendText(frame);
            assertBystandersServed();
            JsonObject reply = replySkippingOthers(attacker, frame);
            assertEquals("error", reply.getString("type"), "reply to " + frame);
            assertEquals("bad_message", reply.getString("code"), "reply to " + frame);
        }
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void loneSurrogatesInRefAreRefused() throws Exception {
        Attacker attacker = joinAttacker("surrogate-ref");
        for (String frame : List.of("{\"type\":\"ping\",\"ref\":\"\\ud800\"}",
                "{\"type\":\"publish\",\"text\":\"t\",\"ref\":\"\\udfff\"}")) {
            attacker.ws().sendText(frame);
            assertBystandersServed();
            JsonObject reply = replySkippingOthers(attacker, frame);
            assertEquals("error", reply.getString("type"), "reply to " + frame);
            assertEquals("bad_message", reply.getString("code"), "reply to " + frame);
        }
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void invalidUtf8InATextFrameIsClosedWith1007() throws Exception {
        byte[][] sequences = {
            {(byte) 0xC3},                                 // a two-byte sequence cut short
            {(byte) 0x80},                                 // a lone continuation byte
            {(byte) 0xC0, (byte) 0xAF},                    // an overlong encoding of '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},       // a surrogate encoded as UTF-8
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
            {(byte) 0xFF}};
        for (byte[] sequence : sequences) {
            Attacker attacker = joinAttacker("utf8");
            attacker.ws().sendFrame(RawWebSocket.OP_TEXT, publishWithRawBytes(sequence));
            expectClose(attacker.ws(), 1007, null, "invalid UTF-8 " + hex(sequence));
            reportLeft("invalid UTF-8 " + hex(sequence), attacker);
        }
        RawWebSocket classic = joinClassicAttacker();
        classic.sendFrame(RawWebSocket.OP_TEXT, new byte[] {'h', 'i', (byte) 0xFE});
        expectClose(classic, 1007, null);
        assertBystandersServed();
    }

    private static byte[] publishWithRawBytes(byte[] inText) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes("{\"type\":\"publish\",\"text\":\"x".getBytes(StandardCharsets.UTF_8));
        frame.writeBytes(inText);
        frame.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        return frame.toByteArray();
    }

    // ---- names -------------------------------------------------------------------------------------------

    /**
     * A name of 10 000 characters makes the request line longer than Grizzly's 8 KiB limit for a request
     * head, so the standalone runtime refuses the handshake with HTTP 400 before Herald sees it. Long names
     * that fit reach Herald and are closed with 1008 {@code invalid name}.
     */
    @Test
    void overlongAndControlCharacterNamesAreRefused() throws Exception {
        HandshakeRefusedException refused = assertThrows(HandshakeRefusedException.class,
                () -> HeraldClient.connect(roomUri("n".repeat(10_000))));
        assertEquals(400, refused.status());
        for (String name : List.of("n".repeat(33), "n".repeat(5_000), "bad%01name", "tab%09in", "nul%00")) {
            RawWebSocket ws = open(roomUri(name));
            expectClose(ws, 1008, "invalid name");
        }
        assertNoneJoined(assertBystandersServed());
    }

    /**
     * Names that would pass for another member's: a right-to-left override, zero-width characters, a byte order
     * mark, an isolate, a line separator inside. Each is refused with 1008 {@code invalid name}; the bystanders
     * hear no {@code joined}.
     */
    @Test
    void namesMadeToImpersonateAreRefused() throws Exception {
        for (String name : List.of("ann%E2%80%AE", "a%E2%80%8Bnn", "ann%E2%80%8D", "%EF%BB%BFann", "an%E2%81%A6n",
                "an%E2%80%A8n")) {
            RawWebSocket ws = open(roomUri(name));
            expectClose(ws, 1008, "invalid name");
        }
        assertNoneJoined(assertBystandersServed());
    }

    // ---- sizes -------------------------------------------------------------------------------------------

    @Test
    void oversizeFramesAreClosedWith1009() throws Exception {
        Attacker justOver = joinAttacker("just-over");
        String text = "a".repeat(MAX_MESSAGE_BYTES + 1 - PUBLISH_OVERHEAD);
        justOver.ws().sendText(publish(text));
        expectClose(justOver.ws(), 1009, "message too big");
        assertEquals("policy", awaitLeft(justOver.id()));

        Attacker twoMegabytes = joinAttacker("two-megabytes");
        twoMegabytes.ws().sendText(publish("b".repeat(2 * 1024 * 1024)));
        expectClose(twoMegabytes.ws(), 1009, "message too big");
        assertEquals("policy", awaitLeft(twoMegabytes.id()));

        Attacker binary = joinAttacker("binary-over");
        binary.ws().sendFrame(RawWebSocket.OP_BINARY, new byte[MAX_MESSAGE_BYTES + 1]);
        expectClose(binary.ws(), 1009, "message too big");
        assertEquals("policy", awaitLeft(binary.id()));

        RawWebSocket classic = joinClassicAttacker();
        classic.sendText("c".repeat(2 * 1024 * 1024));
        expectClose(classic, 1009, "message too big");
        assertBystandersServed();
    }

    /**
     * README, Troubleshooting: Tyrus buffers at most max-message-bytes + 4 MiB of one frame and closes a larger
     * one itself with 1011 {@code Buffer overflow.}, logging a warning, before Herald sees it. Documented as a
     * known limitation of the standalone transport; the bystanders must not notice.
     */
    @Test
    void aFrameOverTheTransportBufferIsClosedByTyrusAsDocumented() throws Exception {
        expectedLogs = record -> record.getLoggerName().startsWith("org.glassfish.tyrus")
                && record.getThrown() != null && "Buffer overflow.".equals(record.getThrown().getMessage());
        Attacker attacker = joinAttacker("six-megabytes");
        attacker.ws().sendText(publish("d".repeat(6 * 1024 * 1024)));
        expectClose(attacker.ws(), 1011, "Buffer overflow.");
        reportLeft("a 6 MB frame", attacker);
        assertBystandersServed();
    }

    // ---- rate --------------------------------------------------------------------------------------------

    @Test
    void aPublishFloodIsRateLimitedThenClosedWith1008() throws Exception {
        Attacker flooder = joinAttacker("flooder");
        Set<String> served = new HashSet<>();
        Set<String> refused = new HashSet<>();
        RawWebSocket.Received close = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; close == null && System.nanoTime() < deadline; i++) {
            String text = "flood " + i;
            flooder.ws().sendText(publish(text, "f" + i));
            while (true) { // in lock step: message and ack, or rate_limited, or the close
                RawWebSocket.Received frame = flooder.ws().read();
                if (frame.opcode() == RawWebSocket.OP_CLOSE) {
                    close = frame;
                    break;
                }
                JsonObject reply = json(frame.strictText());
                String type = reply.getString("type");
                if ("error".equals(type)) {
                    assertEquals("rate_limited", reply.getString("code"), reply.toString());
                    assertEquals("f" + i, reply.getString("ref"), "the refused publish's ref is echoed");
                    refused.add(text);
                    break;
                }
                if ("ack".equals(type)) {
                    served.add(text);
                    break;
                }
                assertEquals("message", type, reply.toString());
            }
        }
        assertNotNull(close, "a flood of publishes is closed within 10 s");
        assertEquals(1008, close.closeCode());
        assertEquals("rate limit abuse", close.closeReason());
        assertFalse(refused.isEmpty(), "publishes over the rate are answered with rate_limited first");
        assertTrue(served.size() >= 40, "the burst of 40 is served: " + served.size());

        Set<String> heard = new HashSet<>();
        for (JsonObject frame : roomFramesUntil(f -> isLeftOf(f, flooder.id()), "the flooder's left")) {
            if ("message".equals(frame.getString("type"))) {
                heard.add(frame.getString("text"));
            } else if ("left".equals(frame.getString("type"))) {
                assertEquals("policy", frame.getString("reason"));
            }
        }
        assertTrue(heard.containsAll(served), "every served publish reached the bystander");
        assertTrue(heard.stream().noneMatch(refused::contains), "no refused publish reached the bystander");
        assertBystandersServed();
    }

    /** Extension: every inbound frame counts against the rate, and a refused ping's ref is known and echoed. */
    @Test
    void aPingFloodIsRateLimitedTooAndTheConnectionRecovers() throws Exception {
        Attacker attacker = joinAttacker("ping-flood");
        JsonObject limited = null;
        for (int i = 0; i < 200 && limited == null; i++) {
            attacker.ws().sendText("{\"type\":\"ping\",\"ref\":\"p" + i + "\"}");
            JsonObject reply = reply(attacker.ws(), "ping p" + i);
            if ("error".equals(reply.getString("type"))) {
                assertEquals("rate_limited", reply.getString("code"));
                assertEquals("p" + i, reply.getString("ref", null), "error frames carry the ref when it is known");
                limited = reply;
            } else {
                assertEquals("pong", reply.getString("type"));
            }
        }
        assertNotNull(limited, "a ping flood is rate limited");
        // Tokens come back at 20 a second: a ping a little later is served again, on the same connection.
        JsonObject pong = null;
        for (int i = 0; i < 20 && pong == null; i++) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(60)); // pacing against the limiter, not synchronisation
            attacker.ws().sendText("{\"type\":\"ping\",\"ref\":\"again\"}");
            JsonObject reply = reply(attacker.ws(), "ping again");
            pong = "pong".equals(reply.getString("type")) ? reply : null;
        }
        assertNotNull(pong, "the connection is served again once tokens are back");
        assertBystandersServed();
    }

    @Test
    void aClassicFloodIsDroppedThenClosedWith1008() throws Exception {
        RawWebSocket flooder = joinClassicAttacker();
        AtomicReference<RawWebSocket.Received> close = new AtomicReference<>();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> echoes = reader.submit(() -> {
                int count = 0;
                while (true) {
                    RawWebSocket.Received frame = flooder.readAny(); // never writes: the main thread does
                    if (frame.opcode() == RawWebSocket.OP_CLOSE) {
                        close.set(frame);
                        return count;
                    }
                    count += frame.opcode() == RawWebSocket.OP_TEXT ? 1 : 0;
                }
            });
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (close.get() == null && System.nanoTime() < deadline) {
                try {
                    flooder.sendText("classic flood " + sent++);
                } catch (IOException closedMeanwhile) {
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // 500 a second: pacing, not synchronisation
            }
            int echoed = echoes.get(10, TimeUnit.SECONDS);
            assertEquals(1008, close.get().closeCode());
            assertEquals("rate limit abuse", close.get().closeReason());
            assertTrue(echoed < sent, "texts over the rate are dropped: " + echoed + " of " + sent + " echoed");
        } finally {
            reader.shutdownNow();
        }
        assertBystandersServed();
    }

    // ---- connections -------------------------------------------------------------------------------------

    @Test
    void hundredsOfConnectionsFromOneAddressAreCappedWith1013() throws Exception {
        int before = server.hub().connectionCount();
        int attempts = 200;
        List<Attacker> admitted = new CopyOnWriteArrayList<>();
        List<String> refusals = new CopyOnWriteArrayList<>();
        ExecutorService crowd = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                String name = "crowd-" + i;
                done.add(crowd.submit(() -> {
                    RawWebSocket ws = open(roomUri(name));
                    RawWebSocket.Received first = ws.read();
                    if (first.opcode() == RawWebSocket.OP_CLOSE) {
                        refusals.add(first.closeCode() + " " + first.closeReason());
                        ws.close();
                    } else {
                        JsonObject welcome = json(first.strictText());
                        assertEquals("welcome", welcome.getString("type"));
                        admitted.add(new Attacker(ws, welcome.getJsonObject("you").getString("id")));
                    }
                    return null;
                }));
            }
            for (Future<?> attempt : done) {
                attempt.get(30, TimeUnit.SECONDS);
            }
        } finally {
            crowd.shutdownNow();
        }
        assertEquals(PER_ADDRESS_CAP - before, admitted.size(), "admitted up to the cap of " + PER_ADDRESS_CAP);
        assertEquals(attempts - admitted.size(), refusals.size());
        assertEquals(Set.of("1013 try again later"), Set.copyOf(refusals));
        assertEquals(PER_ADDRESS_CAP, server.hub().connectionCount());
        assertBystandersServed();

        // One at a time, each once it has heard the one before leave, so that no departure is still being told
        // to a member that is closing: a crowd leaving at once has its own test.
        Attacker previous = null;
        for (Attacker member : admitted) {
            if (previous != null) {
                String gone = previous.id();
                while (!isLeftOf(reply(member.ws(), "the left of " + gone), gone)) {
                    // earlier joins and departures
                }
            }
            member.ws().sendClose(1000);
            member.ws().close();
            previous = member;
        }
        assertTrue(awaitTrue(() -> server.hub().connectionCount() == before, WAIT), "the crowd's slots are released: "
                + (server.hub().connectionCount() - before) + " still counted");
        Attacker afterwards = joinAttacker("after-the-crowd");
        assertStillHeard(afterwards);
        assertBystandersServed();
    }

    /**
     * Sockets that send half an upgrade request, or nothing, and stall. Herald has no handshake deadline yet and
     * the standalone listener has no header timeout (keep-alive idle is off), so they stay open; they are not
     * sessions, so they do not count against the connection caps either. Asserted: everyone else is served and
     * newcomers, beyond the per-address cap in number, still complete their handshakes. Reported: how long the
     * stalled sockets stayed open during the test.
     */
    @Test
    void handshakesThatNeverCompleteDoNotStopTheServer() throws Exception {
        List<SocketChannel> stalled = new ArrayList<>();
        try {
            long openedAt = System.nanoTime();
            for (int i = 0; i < PER_ADDRESS_CAP + 10; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(base.getHost(), base.getPort()));
                stalled.add(channel);
                if (i % 2 == 0) {
                    channel.write(ByteBuffer.wrap(("GET /rooms/" + room + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                            + base.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
                            .getBytes(StandardCharsets.US_ASCII)));
                }
            }
            assertBystandersServed();
            Attacker newcomer = joinAttacker("newcomer");
            assertStillHeard(newcomer);
            RawWebSocket classic = joinClassicAttacker();
            classic.sendText("classic newcomer");
            assertTrue(classic.read().text().endsWith(" said: classic newcomer"));
            assertEquals(4, connections(), "stalled handshakes are not sessions");

            int stillOpen = 0;
            for (SocketChannel channel : stalled) {
                channel.configureBlocking(false);
                stillOpen += channel.read(ByteBuffer.allocate(1)) == 0 ? 1 : 0;
            }
            System.out.printf("HostileInputIT: %d of %d stalled handshakes still open after %d ms (no handshake "
                    + "deadline)%n", stillOpen, stalled.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt));
        } finally {
            for (SocketChannel channel : stalled) {
                channel.close();
            }
        }
        assertBystandersServed();
    }

    /**
     * Clients that go away at the same moment (a network drop, a closing tab, a script) while the room tells
     * each departure to the others. A member whose connection is already closing is still in the room for a
     * moment; sending it a {@code left} must not disturb the members after it. The late bystander joins after
     * the crowd, so it comes last in every broadcast.
     */
    @Test
    void aCrowdLeavingAtOnceDoesNotSilenceTheRoom() throws Exception {
        for (int round = 0; round < 5; round++) {
            List<RawWebSocket> crowd = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                crowd.add(joinAttacker("leaver-" + round + "-" + i).ws());
            }
            try (HeraldClient late = HeraldClient.connect(roomUri("late-" + round))) {
                JsonObject welcome = Frames.expect(late, "welcome");
                String lateId = welcome.getJsonObject("you").getString("id");
                awaitRoomFrame(frame -> frame instanceof Frame.Text t && isJoinedOf(json(t.text()), lateId), "joined");
                ExecutorService leavers = Executors.newFixedThreadPool(8);
                try {
                    List<Future<?>> left = new ArrayList<>();
                    for (RawWebSocket ws : crowd) {
                        left.add(leavers.submit(() -> {
                            ws.sendClose(1000);
                            return null;
                        }));
                    }
                    for (Future<?> done : left) {
                        done.get(10, TimeUnit.SECONDS);
                    }
                } finally {
                    leavers.shutdownNow();
                }
                assertTrue(awaitTrue(() -> connections() == 3, WAIT), "round " + round + ": the crowd is gone, but the "
                        + "hub still counts " + (connections() - 3) + " of its 30 connections");
                assertTrue(late.isOpen(), "round " + round + ": the late bystander was closed: "
                        + late.closeStatus().getNow(null));
                String text = "late bystander still served " + round;
                late.sendText(publish(text));
                long deadline = System.nanoTime() + WAIT.toNanos();
                boolean heard = false;
                while (!heard) {
                    long wait = deadline - System.nanoTime();
                    Frame frame = wait > 0 ? late.next(Duration.ofNanos(wait)) : null;
                    assertNotNull(frame, "round " + round + ": the late bystander hears nothing after the crowd left"
                            + (late.isOpen() ? "" : "; closed: " + late.closeStatus().getNow(null)));
                    heard = frame instanceof Frame.Text t && text.equals(json(t.text()).getString("text", null));
                }
                assertBystandersServed();
            }
            for (RawWebSocket ws : crowd) {
                ws.close();
            }
            assertTrue(awaitTrue(() -> connections() == 2, WAIT));
        }
    }

    // ---- frames ------------------------------------------------------------------------------------------

    @Test
    void aBinaryFrameOnTheClassicEndpointIsClosedWith1003() throws Exception {
        RawWebSocket whole = joinClassicAttacker();
        whole.sendFrame(RawWebSocket.OP_BINARY, new byte[] {1, 2, 3});
        expectClose(whole, 1003, "binary not supported");
        RawWebSocket fragmented = joinClassicAttacker();
        fragmented.sendFrame(false, 0, RawWebSocket.OP_BINARY, true, new byte[] {1, 2});
        fragmented.sendFrame(true, 0, RawWebSocket.OP_CONTINUATION, true, new byte[] {3});
        expectClose(fragmented, 1003, "binary not supported");
        assertBystandersServed();
    }

    @Test
    void fragmentedMessagesAreReassembled() throws Exception {
        Attacker attacker = joinAttacker("fragments");
        RawWebSocket ws = attacker.ws();
        ws.sendFrame(false, 0, RawWebSocket.OP_TEXT, true, bytes("{\"type\":\"pub"));
        ws.sendFrame(true, 0, RawWebSocket.OP_CONTINUATION, true, bytes("lish\",\"text\":\"two fragments\"}"));
        assertPublished(attacker, reply(ws, "two fragments"), "two fragments");

        // A control frame may come between the fragments of a message.
        ws.sendFrame(false, 0, RawWebSocket.OP_TEXT, true, bytes("{\"type\":\"publish\","));
        ws.sendFrame(true, 0, RawWebSocket.OP_PING, true, bytes("between"));
        ws.sendFrame(false, 0, RawWebSocket.OP_CONTINUATION, true, bytes("\"text\":\"inter"));
        ws.sendFrame(true, 0, RawWebSocket.OP_CONTINUATION, true, bytes("leaved\"}"));
        RawWebSocket.Received pong = ws.read();
        assertEquals(RawWebSocket.OP_PONG, pong.opcode());
        assertArrayEquals(bytes("between"), pong.payload());
        assertPublished(attacker, reply(ws, "interleaved"), "interleaved");

        // A character split between two fragments is still one character.
        byte[] message = bytes("{\"type\":\"publish\",\"text\":\"café\"}");
        int split = indexOf(message, (byte) 0xC3) + 1;
        ws.sendFrame(false, 0, RawWebSocket.OP_TEXT, true, java.util.Arrays.copyOfRange(message, 0, split));
        ws.sendFrame(true, 0, RawWebSocket.OP_CONTINUATION, true, java.util.Arrays.copyOfRange(message, split, message.length));
        assertPublished(attacker, reply(ws, "café"), "café");

        ws.sendFrame(false, 0, RawWebSocket.OP_BINARY, true, new byte[] {1, 2});
        ws.sendFrame(true, 0, RawWebSocket.OP_CONTINUATION, true, new byte[] {3});
        assertArrayEquals(new byte[] {1, 2, 3}, ws.read().payload());
        Frame relayed = awaitRoomFrame(frame -> frame instanceof Frame.Binary, "the relayed binary");
        assertArrayEquals(new byte[] {1, 2, 3}, ((Frame.Binary) relayed).data());
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void aFragmentedTextOverTheLimitIsClosedWith1009() throws Exception {
        Attacker attacker = joinAttacker("fragments-over");
        sendFragmentsOverTheLimit(attacker.ws(), RawWebSocket.OP_TEXT);
        expectClose(attacker.ws(), 1009, null);
        List<JsonObject> heard = assertBystandersServed();
        assertAll(() -> assertEquals("message too big", lastClose.closeReason(), "the documented reason"),
                () -> assertEquals("policy", leftReason(heard, attacker.id()), "1009 is a policy close"));
    }

    @Test
    void aFragmentedBinaryOverTheLimitIsClosedWith1009() throws Exception {
        Attacker attacker = joinAttacker("binary-fragments-over");
        sendFragmentsOverTheLimit(attacker.ws(), RawWebSocket.OP_BINARY);
        expectClose(attacker.ws(), 1009, null);
        List<JsonObject> heard = assertBystandersServed();
        assertAll(() -> assertEquals("message too big", lastClose.closeReason(), "the documented reason"),
                () -> assertEquals("policy", leftReason(heard, attacker.id()), "1009 is a policy close"));
    }

    @Test
    void aFragmentedClassicTextOverTheLimitIsClosedWith1009() throws Exception {
        RawWebSocket classic = joinClassicAttacker();
        sendFragmentsOverTheLimit(classic, RawWebSocket.OP_TEXT);
        expectClose(classic, 1009, null);
        assertBystandersServed();
        assertEquals("message too big", lastClose.closeReason(), "the documented reason");
    }

    /** Nine fragments of 8 KiB: 72 KiB, over the 64 KiB limit, though no single frame is. */
    private static void sendFragmentsOverTheLimit(RawWebSocket ws, int opcode) throws IOException {
        byte[] fragment = "x".repeat(8 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 9; i++) {
            ws.sendFrame(false, 0, i == 0 ? opcode : RawWebSocket.OP_CONTINUATION, true, fragment);
        }
        ws.sendFrame(true, 0, RawWebSocket.OP_CONTINUATION, true, fragment);
    }

    @Test
    void aPingWithA125BytePayloadGetsItsPong() throws Exception {
        Attacker attacker = joinAttacker("ping");
        byte[] payload = new byte[125];
        new Random(125).nextBytes(payload);
        attacker.ws().sendFrame(RawWebSocket.OP_PING, payload);
        RawWebSocket.Received pong = attacker.ws().read();
        assertEquals(RawWebSocket.OP_PONG, pong.opcode());
        assertArrayEquals(payload, pong.payload());
        attacker.ws().sendFrame(RawWebSocket.OP_PING, new byte[0]);
        assertEquals(0, attacker.ws().read().payload().length);
        attacker.ws().sendFrame(RawWebSocket.OP_PONG, bytes("unsolicited pongs are ignored"));
        assertStillHeard(attacker);
        assertBystandersServed();
    }

    @Test
    void aControlFrameOver125BytesIsAProtocolError() throws Exception {
        for (int opcode : new int[] {RawWebSocket.OP_PING, RawWebSocket.OP_PONG, RawWebSocket.OP_CLOSE}) {
            Attacker attacker = joinAttacker("control-126-" + opcode);
            byte[] payload = new byte[126];
            payload[0] = 0x03; // a close code of 1000 when it is a close frame
            payload[1] = (byte) 0xE8;
            attacker.ws().sendFrame(opcode, payload);
            expectClose(attacker.ws(), 1002, null);
            reportLeft("a control frame (opcode " + opcode + ") of 126 bytes", attacker);
        }
        assertBystandersServed();
    }

    /**
     * A documented limitation (README, Troubleshooting): RFC 6455 §5.1 says a server must close the connection
     * when a client frame is not masked, but Tyrus 2.1.6 never checks the mask bit, and JSR 356 gives Herald no
     * view of it. The unmasked frame is served like any other; this test pins that down, so that a Tyrus that
     * starts enforcing it shows up here, and checks that bystanders are unaffected either way.
     */
    @Test
    void anUnmaskedClientFrameIsServedByTyrusAKnownLimitation() throws Exception {
        Attacker attacker = joinAttacker("unmasked");
        attacker.ws().sendFrame(true, 0, RawWebSocket.OP_TEXT, false, bytes("{\"type\":\"ping\",\"ref\":\"unmasked\"}"));
        JsonObject pong = Frames.json(attacker.ws().read().text());
        assertEquals("pong", pong.getString("type"), pong.toString());
        assertEquals("unmasked", pong.getString("ref"));
        assertBystandersServed();
    }

    @Test
    void reservedOpcodesAreAProtocolError() throws Exception {
        for (int opcode : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            Attacker attacker = joinAttacker("opcode-" + opcode);
            attacker.ws().sendFrame(true, 0, opcode, true, bytes("{}"));
            expectClose(attacker.ws(), 1002, null);
            reportLeft("reserved opcode " + opcode, attacker);
        }
        assertBystandersServed();
    }

    @Test
    void reservedBitsAreAProtocolError() throws Exception {
        for (int rsv = 1; rsv <= 7; rsv++) {
            Attacker attacker = joinAttacker("rsv-" + rsv);
            attacker.ws().sendFrame(true, rsv, RawWebSocket.OP_TEXT, true, bytes("{\"type\":\"ping\"}"));
            expectClose(attacker.ws(), 1002, null);
            reportLeft("RSV bits " + rsv, attacker);
        }
        RawWebSocket classic = joinClassicAttacker();
        classic.sendFrame(true, 4, RawWebSocket.OP_TEXT, true, bytes("rsv1 on classic"));
        expectClose(classic, 1002, null);
        assertBystandersServed();
    }

    @Test
    void otherFramingViolationsAreAProtocolError() throws Exception {
        Map<String, IoAction> violations = new java.util.LinkedHashMap<>();
        violations.put("a continuation with nothing to continue",
                ws -> ws.sendFrame(true, 0, RawWebSocket.OP_CONTINUATION, true, bytes("x")));
        violations.put("a new text frame inside a fragmented message", ws -> {
            ws.sendFrame(false, 0, RawWebSocket.OP_TEXT, true, bytes("{"));
            ws.sendFrame(true, 0, RawWebSocket.OP_TEXT, true, bytes("{}"));
        });
        violations.put("a fragmented ping", ws -> ws.sendFrame(false, 0, RawWebSocket.OP_PING, true, bytes("p")));
        violations.put("a close frame with a 1-byte payload", ws -> ws.sendFrame(RawWebSocket.OP_CLOSE, new byte[] {3}));
        violations.put("a close frame with code 999", ws -> ws.sendClose(999));
        violations.put("a 64-bit length with its top bit set", ws -> ws.sendRaw(new byte[] {
            (byte) 0x81, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}));
        for (Map.Entry<String, IoAction> violation : violations.entrySet()) {
            Attacker attacker = joinAttacker("framing");
            violation.getValue().run(attacker.ws());
            expectClose(attacker.ws(), 1002, null, violation.getKey());
            reportLeft(violation.getKey(), attacker);
        }
        Attacker badReason = joinAttacker("close-reason");
        badReason.ws().sendFrame(RawWebSocket.OP_CLOSE, new byte[] {3, (byte) 0xE8, (byte) 0xFF});
        expectClose(badReason.ws(), 1007, null, "a close reason that is not UTF-8");
        assertBystandersServed();
    }

    @FunctionalInterface
    private interface IoAction {
        void run(RawWebSocket ws) throws IOException;
    }

    // ---- helpers: connecting -----------------------------------------------------------------------------

    private URI roomUri(String name) {
        return base.resolve("rooms/" + room + "?name=" + name);
    }

    private RawWebSocket open(URI uri) throws IOException {
        RawWebSocket ws = RawWebSocket.open(uri, null, 0, (int) WAIT.toMillis());
        opened.add(ws);
        return ws;
    }

    /** A raw client in this test's room, welcomed, whose join the room bystander has heard. */
    private Attacker joinAttacker(String name) throws Exception {
        RawWebSocket ws = open(roomUri(name));
        JsonObject welcome = json(ws.read().strictText());
        assertEquals("welcome", welcome.getString("type"), welcome.toString());
        String id = welcome.getJsonObject("you").getString("id");
        awaitRoomFrame(frame -> frame instanceof Frame.Text text && isJoinedOf(json(text.text()), id), "joined of " + id);
        return new Attacker(ws, id);
    }

    /** A raw classic client, announced, whose announcement the classic bystander has heard. */
    private RawWebSocket joinClassicAttacker() throws Exception {
        RawWebSocket ws = open(base);
        assertEquals(JOIN, ws.read().text());
        awaitClassic(JOIN::equals);
        return ws;
    }

    // ---- helpers: what the attacker gets -----------------------------------------------------------------

    /** The next text frame, as JSON; it must be valid UTF-8 and one JSON object. */
    private static JsonObject reply(RawWebSocket ws, String after) throws IOException {
        RawWebSocket.Received frame;
        try {
            frame = ws.read();
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("no reply within " + WAIT + " to " + abbreviate(after), e);
        }
        if (frame.opcode() == RawWebSocket.OP_CLOSE) {
            fail("closed with " + frame.closeCode() + " '" + frame.closeReason() + "' instead of a reply to " + abbreviate(after));
        }
        assertEquals(RawWebSocket.OP_TEXT, frame.opcode(), "a text frame in reply to " + abbreviate(after));
        try {
            return json(frame.strictText());
        } catch (CharacterCodingException e) {
            throw new AssertionError("the server sent invalid UTF-8 in reply to " + abbreviate(after), e);
        }
    }

    /** The attacker's next frame that is not another member's message, join or departure. */
    private static JsonObject replySkippingOthers(Attacker attacker, String after) throws IOException {
        while (true) {
            JsonObject frame = reply(attacker.ws(), after);
            boolean others = switch (frame.getString("type")) {
                case "message" -> !attacker.id().equals(frame.getJsonObject("from").getString("id"));
                case "joined", "left" -> true;
                default -> false;
            };
            if (!others) {
                return frame;
            }
        }
    }

    private static JsonObject expectError(Attacker attacker, String frame, String code, String ref) throws IOException {
        attacker.ws().sendText(frame);
        JsonObject reply = replySkippingOthers(attacker, frame);
        String what = "reply to " + abbreviate(frame) + ": " + abbreviate(reply.toString());
        assertEquals("error", reply.getString("type"), what);
        assertEquals(code, reply.getString("code"), what);
        assertFalse(reply.getString("message", "").isEmpty(), what);
        assertEquals(ref, reply.getString("ref", null), what);
        return reply;
    }

    /** Sends {@code frame}, which must be published with {@code text}: to the sender, and to the bystander. */
    private JsonObject expectPublished(Attacker attacker, String frame, String text) throws Exception {
        attacker.ws().sendText(frame);
        return assertPublished(attacker, replySkippingOthers(attacker, frame), text);
    }

    private JsonObject assertPublished(Attacker attacker, JsonObject message, String text) throws Exception {
        assertEquals("message", message.getString("type"), abbreviate(message.toString()));
        assertEquals(text, message.getString("text"));
        assertEquals(attacker.id(), message.getJsonObject("from").getString("id"));
        long offset = message.getJsonNumber("offset").longValue();
        Frame heard = awaitRoomFrame(f -> f instanceof Frame.Text t && isMessage(json(t.text()), offset), "message " + offset);
        assertEquals(message, json(((Frame.Text) heard).text()), "the bystander gets the same message");
        return message;
    }

    private RawWebSocket.Received expectClose(RawWebSocket ws, int code, String reason) throws IOException {
        return expectClose(ws, code, reason, "the attack");
    }

    /** The next frame (pings aside) must be a close with {@code code} (and {@code reason} unless null). */
    private RawWebSocket.Received expectClose(RawWebSocket ws, int code, String reason, String after) throws IOException {
        RawWebSocket.Received frame;
        try {
            frame = ws.read();
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("neither a reply nor a close within " + WAIT + " after " + after, e);
        } catch (java.io.EOFException | java.net.SocketException e) {
            throw new AssertionError("the connection ended without a close frame after " + after, e);
        }
        assertEquals(RawWebSocket.OP_CLOSE, frame.opcode(), "expected a close " + code + " after " + after
                + " but got opcode " + frame.opcode() + ": " + abbreviate(frame.text()));
        assertEquals(code, frame.closeCode(), "close code after " + after + " (reason '" + frame.closeReason() + "')");
        if (reason != null) {
            assertEquals(reason, frame.closeReason(), "close reason after " + after);
        }
        lastClose = frame;
        return frame;
    }

    // ---- helpers: what the bystanders get ----------------------------------------------------------------

    /** The attacker's connection is still open and served: its publish reaches it and the bystander. */
    private void assertStillHeard(Attacker attacker) throws Exception {
        String text = "attacker still heard " + probes.incrementAndGet();
        expectPublished(attacker, publish(text), text);
    }

    /**
     * Both bystanders publish and get their message back; returns the room frames the room bystander got
     * on the way.
     */
    private List<JsonObject> assertBystandersServed() throws Exception {
        String text = "bystander still served " + probes.incrementAndGet();
        roomBystander.sendText(publish(text));
        List<JsonObject> frames = roomFramesUntil(frame -> "message".equals(frame.getString("type"))
                && text.equals(frame.getString("text"))
                && roomBystanderId.equals(frame.getJsonObject("from").getString("id")), "its own message '" + text + "'");
        classicBystander.sendText(text);
        awaitClassic(said -> said.endsWith(") said: " + text));
        return frames;
    }

    private static void assertNoneJoined(List<JsonObject> frames) {
        assertTrue(frames.stream().noneMatch(frame -> "joined".equals(frame.getString("type"))),
                "a refused connection never joins: " + frames);
    }

    /** Room bystander frames up to and including the first text frame that matches. */
    private List<JsonObject> roomFramesUntil(Predicate<JsonObject> wanted, String what) throws Exception {
        List<JsonObject> frames = new ArrayList<>();
        awaitRoomFrame(frame -> {
            if (!(frame instanceof Frame.Text text)) {
                return false;
            }
            JsonObject object = json(text.text());
            frames.add(object);
            return wanted.test(object);
        }, what);
        return frames;
    }

    /** Takes room bystander frames until one matches; the others are skipped. */
    private Frame awaitRoomFrame(Predicate<Frame> wanted, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame = left > 0 ? roomBystander.next(Duration.ofNanos(left)) : null;
            if (frame == null) {
                throw new AssertionError("the room bystander did not get " + what + " within " + WAIT
                        + (roomBystander.isOpen() ? "; it is still open but hears nothing"
                        : "; it was closed: " + roomBystander.closeStatus().getNow(null)));
            }
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    private void awaitClassic(Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame = left > 0 ? classicBystander.next(Duration.ofNanos(left)) : null;
            if (frame == null) {
                throw new AssertionError("the classic bystander got nothing it waited for within " + WAIT
                        + (classicBystander.isOpen() ? "" : "; closed: " + classicBystander.closeStatus().getNow(null)));
            }
            if (frame instanceof Frame.Text text && wanted.test(text.text())) {
                return;
            }
        }
    }

    /** The reason of the attacker's {@code left}, as the room bystander hears it. */
    private String awaitLeft(String id) throws Exception {
        List<JsonObject> frames = roomFramesUntil(frame -> isLeftOf(frame, id), "the left of " + id);
        return frames.get(frames.size() - 1).getString("reason");
    }

    /** The reason of the attacker's {@code left} among {@code heard}, or the next one the room bystander gets. */
    private String leftReason(List<JsonObject> heard, String id) throws Exception {
        for (JsonObject frame : heard) {
            if (isLeftOf(frame, id)) {
                return frame.getString("reason");
            }
        }
        return awaitLeft(id);
    }

    /**
     * For closes the contract's left-reason table does not list (1002, 1007, and Tyrus's own 1011): the room
     * must hear a documented reason; which one is shown, not asserted.
     */
    private void reportLeft(String attack, Attacker attacker) throws Exception {
        String reason = awaitLeft(attacker.id());
        assertTrue(Set.of("closed", "timeout", "slow", "policy", "error").contains(reason), reason);
        System.out.printf("HostileInputIT: %s -> %d '%s', left reason %s%n", attack, lastClose.closeCode(),
                lastClose.closeReason(), reason);
    }

    private static boolean isJoinedOf(JsonObject frame, String id) {
        return "joined".equals(frame.getString("type")) && id.equals(frame.getJsonObject("member").getString("id"));
    }

    private static boolean isLeftOf(JsonObject frame, String id) {
        return "left".equals(frame.getString("type")) && id.equals(frame.getJsonObject("member").getString("id"));
    }

    private static boolean isMessage(JsonObject frame, long offset) {
        return "message".equals(frame.getString("type")) && frame.getJsonNumber("offset").longValue() == offset;
    }

    // ---- helpers: the server's resources -----------------------------------------------------------------

    /** The hub's connections opened by this test. */
    private int connections() {
        return server.hub().connectionCount() - leftOver;
    }

    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> SERVER_THREAD_PREFIXES.stream().anyMatch(name::startsWith)).sorted()
                .collect(Collectors.toList());
    }

    /** Open file descriptors of this JVM (Linux), or -1 where /proc does not tell. */
    private static long openDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes. */
    private static boolean awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    // ---- helpers: bytes ----------------------------------------------------------------------------------

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int utf8Length(String text) {
        return bytes(text).length;
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02X", b & 0xff));
        }
        return hex.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…(" + text.length() + " chars)";
    }
}
