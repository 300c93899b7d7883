package dev.herald.it;

import static dev.herald.it.Frames.json;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.Frame;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated frames against a room of a real standalone server (issue 5, item 4): mutations of valid
 * publish, presence and ping frames (flipped bits, truncations, duplicated keys, swapped value types, random
 * Unicode and escapes, nesting), some binary, fragmented and malformed frames. Each must get valid replies
 * (UTF-8 JSON objects of documented types and error codes) or a documented close code; after a close the
 * fuzzer reconnects. A room bystander and a classic bystander must keep being served throughout.
 *
 * <p>The run is bounded (2 000 frames or 25 s) and driven by one seed, printed at the start and in every
 * assertion message: replay a failure with {@code -Dherald.fuzz.seed=<seed>}.
 */
@Timeout(90)
class FuzzIT {

    private static final int MAX_FRAMES = 2_000;
    private static final Duration BUDGET = Duration.ofSeconds(25);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int CHECK_EVERY = 100;
    private static final int MAX_MESSAGE_BYTES = 65_536;
    private static final Set<String> REPLY_TYPES = Set.of("message", "error", "pong", "presence", "ack", "joined", "left");
    private static final Set<String> ERROR_CODES = Set.of("bad_json", "unknown_type", "bad_message", "rate_limited");
    /**
     * What may close the fuzzer: the runtime's 1002 (protocol error) and 1007 (invalid UTF-8), and Herald's
     * 1008 (policy) and 1009 (too big). 1011 would be a bug.
     */
    private static final Set<Integer> CLOSE_CODES = Set.of(1002, 1007, 1008, 1009);
    private static final List<String> SEEDS = List.of(
            "{\"type\":\"publish\",\"text\":\"hello\"}",
            "{\"type\":\"publish\",\"text\":\"hello\",\"ref\":\"r1\"}",
            "{\"type\":\"publish\",\"text\":\"é ü 😀 \\u00e9\\ud83d\\ude00\",\"ref\":\"u\"}",
            "{\"type\":\"presence\"}",
            "{\"type\":\"ping\"}",
            "{\"type\":\"ping\",\"ref\":\"p1\"}");

    private static StandaloneServer server;
    private static URI base;

    private final long seed = Long.getLong("herald.fuzz.seed", new SecureRandom().nextLong());
    private final Random random = new Random(seed);
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private RawWebSocket fuzzer;
    private String fuzzerId;
    private HeraldClient roomBystander;
    private String roomBystanderId;
    private HeraldClient classicBystander;
    private int checks;

    /** One fuzz frame: the bytes to write, and a description for assertion messages. */
    private record Fuzz(String kind, byte[] wire, byte[] payload) {
        String describe() {
            String text = new String(payload, StandardCharsets.UTF_8);
            return kind + " (" + payload.length + " bytes): "
                    + (text.length() <= 300 ? text : text.substring(0, 300) + "…");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        // The rate limit is HostileInputIT's business: here it would only slow the fuzzer down.
        server = StandaloneFixture.start(Map.of(Setting.RATE_PER_SECOND, "100000", Setting.RATE_BURST, "100000"));
        base = StandaloneFixture.base(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void randomAndMutatedFramesGetValidRepliesOrADocumentedClose() throws Exception {
        System.out.printf("FuzzIT seed %d (replay: mvn verify -Dit.test=FuzzIT -Dherald.fuzz.seed=%d)%n", seed, seed);
        try (LogCapture logs = LogCapture.install()) {
            roomBystander = HeraldClient.connect(base.resolve("rooms/fuzz?name=bystander"));
            roomBystanderId = json(roomBystander.nextText(WAIT)).getJsonObject("you").getString("id");
            classicBystander = HeraldClient.connect(base);
            assertEquals(ProtocolSuite.JOIN, classicBystander.nextText(WAIT), seeded("classic bystander"));
            connectFuzzer();
            long deadline = System.nanoTime() + BUDGET.toNanos();
            int sent = 0;
            while (sent < MAX_FRAMES && System.nanoTime() < deadline) {
                Fuzz fuzz = nextFuzz();
                serve(sent, fuzz);
                sent++;
                if (sent % CHECK_EVERY == 0) {
                    assertBystandersServed(sent);
                }
            }
            assertBystandersServed(sent);
            System.out.printf("FuzzIT seed %d: %d frames in %d ms; outcomes %s%n", seed, sent,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadline + BUDGET.toNanos()), outcomes);
            assertTrue(sent >= 200, seeded("at least 200 frames within the budget, but only " + sent));

            fuzzer.close();
            roomBystander.close();
            classicBystander.close();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.hub().connectionCount() > 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(0, server.hub().connectionCount(), seeded("every connection is gone after the run"));
            String unexpected = logs.unexpected(record -> false);
            assertTrue(unexpected.isEmpty(), seeded("no warning or stack trace in the log:\n" + unexpected));
        }
    }

    // ---- one frame -----------------------------------------------------------------------------------------

    /**
     * Sends the frame and reads its first reply, which must come: every data frame and every ping is answered.
     * Then a sentinel ping, whose pong must come after any further replies, each of which must be valid too.
     */
    private void serve(int index, Fuzz fuzz) throws Exception {
        String context = "frame " + index + ", " + fuzz.describe();
        try {
            fuzzer.sendRaw(fuzz.wire());
        } catch (IOException e) {
            throw new AssertionError(seeded("could not send " + context), e);
        }
        RawWebSocket.Received first = nextOwnFrame(context);
        if (first.opcode() == RawWebSocket.OP_CLOSE) {
            closed(first, context);
            return;
        }
        count(first);
        String sentinel = "sentinel-" + index;
        fuzzer.sendText("{\"type\":\"ping\",\"ref\":\"" + sentinel + "\"}");
        while (true) {
            RawWebSocket.Received frame = nextOwnFrame(context + " (waiting for " + sentinel + ")");
            if (frame.opcode() == RawWebSocket.OP_CLOSE) {
                closed(frame, context);
                return;
            }
            if (frame.opcode() == RawWebSocket.OP_TEXT && isPong(frame, sentinel)) {
                return;
            }
            count(frame);
        }
    }

    /** The fuzzer's next frame that is not about someone else (their message, join or departure); validated. */
    private RawWebSocket.Received nextOwnFrame(String context) {
        while (true) {
            RawWebSocket.Received frame;
            try {
                frame = fuzzer.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError(seeded("no reply and no close within " + WAIT + " to " + context), e);
            } catch (EOFException | SocketException e) {
                throw new AssertionError(seeded("the connection ended without a close frame after " + context), e);
            } catch (IOException e) {
                throw new AssertionError(seeded("reading the reply to " + context), e);
            }
            switch (frame.opcode()) {
                case RawWebSocket.OP_CLOSE, RawWebSocket.OP_BINARY, RawWebSocket.OP_PONG -> {
                    return frame;
                }
                case RawWebSocket.OP_TEXT -> {
                    JsonObject reply = validReply(frame, context);
                    if (!isAboutOthers(reply)) {
                        return frame;
                    }
                }
                default -> throw new AssertionError(seeded("unexpected opcode " + frame.opcode() + " after " + context));
            }
        }
    }

    /** A text frame from the server: valid UTF-8, one JSON object, {@code type} first and documented. */
    private JsonObject validReply(RawWebSocket.Received frame, String context) {
        String text;
        try {
            text = frame.strictText();
        } catch (CharacterCodingException e) {
            throw new AssertionError(seeded("invalid UTF-8 from the server after " + context), e);
        }
        JsonObject reply;
        try {
            reply = json(text);
        } catch (JsonParsingException e) {
            throw new AssertionError(seeded("a reply that is not JSON after " + context + ": " + text), e);
        }
        assertTrue(text.startsWith("{\"type\":\""), seeded("type comes first: " + text + " after " + context));
        assertTrue(REPLY_TYPES.contains(reply.getString("type")), seeded("undocumented reply " + text + " to " + context));
        if ("error".equals(reply.getString("type"))) {
            assertTrue(ERROR_CODES.contains(reply.getString("code", null)), seeded("undocumented error " + text + " to " + context));
        }
        return reply;
    }

    private boolean isAboutOthers(JsonObject reply) {
        return switch (reply.getString("type")) {
            case "joined", "left" -> true;
            case "message" -> !fuzzerId.equals(reply.getJsonObject("from").getString("id"));
            default -> false;
        };
    }

    private static boolean isPong(RawWebSocket.Received frame, String ref) {
        JsonObject reply = json(frame.text());
        return "pong".equals(reply.getString("type")) && ref.equals(reply.getString("ref", null));
    }

    private void closed(RawWebSocket.Received close, String context) throws Exception {
        assertTrue(CLOSE_CODES.contains(close.closeCode()), seeded("undocumented close " + close.closeCode() + " '"
                + close.closeReason() + "' after " + context));
        outcomes.merge("close " + close.closeCode(), 1, Integer::sum);
        fuzzer.close();
        connectFuzzer();
    }

    private void count(RawWebSocket.Received frame) {
        String outcome = switch (frame.opcode()) {
            case RawWebSocket.OP_TEXT -> {
                JsonObject reply = json(frame.text());
                yield "error".equals(reply.getString("type")) ? "error " + reply.getString("code") : reply.getString("type");
            }
            case RawWebSocket.OP_BINARY -> "binary";
            default -> "pong frame";
        };
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private void connectFuzzer() throws Exception {
        fuzzer = RawWebSocket.open(base.resolve("rooms/fuzz?name=fuzzer"), null, 0, (int) WAIT.toMillis());
        JsonObject welcome = json(fuzzer.read().strictText());
        assertEquals("welcome", welcome.getString("type"), seeded("the fuzzer's welcome"));
        fuzzerId = welcome.getJsonObject("you").getString("id");
    }

    // ---- the bystanders ------------------------------------------------------------------------------------

    /** Both bystanders publish and get their message back; every room frame on the way must be valid. */
    private void assertBystandersServed(int sent) throws Exception {
        String text = "bystander alive " + ++checks;
        String context = "the bystander check after " + sent + " frames";
        roomBystander.sendText(publish(text));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame = left > 0 ? roomBystander.next(Duration.ofNanos(left)) : null;
            if (frame == null) {
                throw new AssertionError(seeded("the room bystander did not get its own message within " + WAIT
                        + " in " + context + (roomBystander.isOpen() ? "; it is open but hears nothing"
                        : "; it was closed: " + roomBystander.closeStatus().getNow(null))));
            }
            if (frame instanceof Frame.Text t) {
                JsonObject message = json(t.text());
                assertTrue(REPLY_TYPES.contains(message.getString("type")), seeded("the bystander got " + t.text()));
                if ("message".equals(message.getString("type")) && text.equals(message.getString("text"))
                        && roomBystanderId.equals(message.getJsonObject("from").getString("id"))) {
                    break;
                }
            }
        }
        classicBystander.sendText(text);
        deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame = left > 0 ? classicBystander.next(Duration.ofNanos(left)) : null;
            if (frame == null) {
                throw new AssertionError(seeded("the classic bystander did not get its own text in " + context));
            }
            if (frame instanceof Frame.Text t && t.text().endsWith(") said: " + text)) {
                break;
            }
        }
        // The fuzzer has the room bystander's message queued: take it before the next frame's reply.
        fuzzer.sendText("{\"type\":\"ping\",\"ref\":\"check-" + checks + "\"}");
        while (true) {
            RawWebSocket.Received frame = nextOwnFrame(context);
            if (frame.opcode() == RawWebSocket.OP_TEXT && isPong(frame, "check-" + checks)) {
                return;
            }
        }
    }

    // ---- frames ----------------------------------------------------------------------------------------------

    private Fuzz nextFuzz() {
        int kind = random.nextInt(100);
        if (kind < 84) {
            byte[] payload = mutatedJson();
            return new Fuzz("text", RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, true, payload), payload);
        }
        if (kind < 88) {
            byte[] payload = randomBytes(random.nextInt(64));
            return new Fuzz("binary", RawWebSocket.frame(true, 0, RawWebSocket.OP_BINARY, true, payload), payload);
        }
        if (kind < 93) {
            return fragmented(mutatedJson());
        }
        if (kind < 95) {
            byte[] payload = randomBytes(random.nextInt(126));
            return new Fuzz("ping", RawWebSocket.frame(true, 0, RawWebSocket.OP_PING, true, payload), payload);
        }
        return malformed();
    }

    /** A message split into two or three fragments at random byte positions (characters may be cut). */
    private Fuzz fragmented(byte[] payload) {
        int pieces = Math.min(payload.length, 2 + random.nextInt(2));
        if (pieces < 2) {
            return new Fuzz("text", RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, true, payload), payload);
        }
        int[] cuts = new int[pieces + 1];
        cuts[pieces] = payload.length;
        for (int i = 1; i < pieces; i++) {
            cuts[i] = 1 + random.nextInt(payload.length - 1);
        }
        Arrays.sort(cuts);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < pieces; i++) {
            wire.writeBytes(RawWebSocket.frame(i == pieces - 1, 0, i == 0 ? RawWebSocket.OP_TEXT : RawWebSocket.OP_CONTINUATION,
                    true, Arrays.copyOfRange(payload, cuts[i], cuts[i + 1])));
        }
        return new Fuzz("fragmented text in " + pieces, wire.toByteArray(), payload);
    }

    /** A frame that breaks the framing rules, or is over the size limit. */
    private Fuzz malformed() {
        byte[] payload = mutatedJson();
        return switch (random.nextInt(7)) {
            case 0 -> new Fuzz("RSV bits", RawWebSocket.frame(true, 1 + random.nextInt(7), RawWebSocket.OP_TEXT, true, payload), payload);
            case 1 -> {
                int opcode = new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}[random.nextInt(10)];
                yield new Fuzz("opcode " + opcode, RawWebSocket.frame(true, 0, opcode, true, payload), payload);
            }
            case 2 -> new Fuzz("unmasked text", RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, false, payload), payload);
            case 3 -> {
                byte[] big = randomBytes(126 + random.nextInt(200));
                yield new Fuzz("ping over 125 bytes", RawWebSocket.frame(true, 0, RawWebSocket.OP_PING, true, big), big);
            }
            case 4 -> new Fuzz("continuation without a start",
                    RawWebSocket.frame(true, 0, RawWebSocket.OP_CONTINUATION, true, payload), payload);
            case 5 -> new Fuzz("fragmented ping", RawWebSocket.frame(false, 0, RawWebSocket.OP_PING, true, new byte[] {1}),
                    new byte[] {1});
            default -> {
                byte[] big = publish("o".repeat(MAX_MESSAGE_BYTES)).getBytes(StandardCharsets.UTF_8);
                yield new Fuzz("oversize", RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, true, big), big);
            }
        };
    }

    /** A valid seed or a generated frame, then none, one or a few textual and byte-level mutations. */
    private byte[] mutatedJson() {
        String json = random.nextInt(3) == 0 ? SEEDS.get(random.nextInt(SEEDS.size())) : generatedFrame();
        int textual = random.nextBoolean() ? 0 : 1 + random.nextInt(2);
        for (int i = 0; i < textual; i++) {
            json = mutateText(json);
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(6) == 0) {
            bytes = mutateBytes(bytes);
        }
        return bytes;
    }

    /** A frame built from fields: valid or swapped value types, missing, duplicated or unknown keys, any order. */
    private String generatedFrame() {
        List<String> fields = new ArrayList<>();
        String type = switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> "\"publish\"";
            case 4, 5 -> "\"presence\"";
            case 6, 7 -> "\"ping\"";
            default -> randomValue(0);
        };
        if (random.nextInt(20) > 0) {
            fields.add("\"type\":" + type);
        }
        if (random.nextInt(10) < 7) {
            fields.add("\"text\":" + (random.nextInt(10) < 7 ? quoted(randomText(24, wild())) : randomValue(0)));
        }
        if (random.nextInt(2) == 0) {
            fields.add("\"ref\":" + (random.nextInt(10) < 7 ? quoted(randomText(8, wild())) : randomValue(0)));
        }
        if (random.nextInt(5) == 0) {
            fields.add(quoted(randomText(6, wild())) + ":" + randomValue(0));
        }
        if (random.nextInt(8) == 0 && !fields.isEmpty()) {
            String duplicated = fields.get(random.nextInt(fields.size()));
            fields.add(duplicated.substring(0, duplicated.indexOf(':') + 1) + randomValue(0));
        }
        if (random.nextInt(5) == 0) {
            Collections.shuffle(fields, random);
        }
        return "{" + String.join(",", fields) + "}";
    }

    private String randomValue(int depth) {
        return switch (random.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> quoted(randomText(16, wild()));
            case 1 -> randomNumber();
            case 2 -> random.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> quoted(random.nextBoolean() ? "" : " \\t ");
            case 5 -> quoted("hello");
            case 6 -> {
                List<String> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(randomValue(depth + 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> "{" + quoted(randomText(4, wild())) + ":" + randomValue(depth + 1) + "}";
        };
    }

    private String randomNumber() {
        return switch (random.nextInt(8)) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> Long.toString(random.nextLong());
            case 2 -> Double.toString(random.nextGaussian() * 1e6);
            case 3 -> "1e999999";
            case 4 -> "-1E-999999";
            case 5 -> "1e2147483648";
            case 6 -> "9".repeat(1 + random.nextInt(1_200));
            default -> "-0.0";
        };
    }

    /** Three times in ten, text may break the JSON around it. */
    private boolean wild() {
        return random.nextInt(10) < 3;
    }

    /**
     * Text for inside a JSON string: letters, spaces, escapes of control characters and of lone surrogates,
     * valid escapes, any Unicode; when {@code wild}, also what breaks JSON (raw control characters, quotes,
     * invalid escapes).
     */
    private String randomText(int maxLength, boolean wild) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            switch (random.nextInt(wild ? 13 : 11)) {
                case 0 -> text.append(' ');
                case 1 -> text.append(String.format("\\u%04x", random.nextInt(0x20)));
                case 2 -> text.append(String.format("\\u%04x", 0xD800 + random.nextInt(0x800)));
                case 3 -> text.appendCodePoint(0x80 + random.nextInt(0xD800 - 0x80));
                case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000));
                case 5 -> text.append(new String[] {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"}[random.nextInt(8)]);
                case 6 -> text.append("\\ud83d\\ude00");
                case 11 -> text.append((char) random.nextInt(0x20));
                case 12 -> text.append(new String[] {"\\x", "\\u12", "\\", "\""}[random.nextInt(4)]);
                default -> text.append((char) ('a' + random.nextInt(26)));
            }
        }
        return text.toString();
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    private String mutateText(String json) {
        int at = json.isEmpty() ? 0 : random.nextInt(json.length() + 1);
        return switch (random.nextInt(8)) {
            case 0 -> json.substring(0, at) + randomText(4, true) + json.substring(at);
            case 1 -> json.substring(0, at); // truncated
            case 2 -> { // a range deleted
                int end = Math.min(json.length(), at + 1 + random.nextInt(8));
                yield json.substring(0, at) + json.substring(end);
            }
            case 3 -> { // a range repeated
                int end = Math.min(json.length(), at + 1 + random.nextInt(12));
                yield json.substring(0, end) + json.substring(at, end) + json.substring(end);
            }
            case 4 -> json.substring(0, at) + "\"" + json.substring(at);
            case 5 -> { // nesting, now and then deep
                int depth = random.nextInt(10) == 0 ? 900 + random.nextInt(200) : 1 + random.nextInt(5);
                yield "[".repeat(depth) + json + "]".repeat(random.nextInt(depth + 1));
            }
            case 6 -> json + (random.nextBoolean() ? json : " " + randomValue(0)); // trailing data
            default -> json.replaceFirst("\"(publish|presence|ping)\"", quoted(new String[] {"publish", "presence",
                "ping", "PUBLISH", "", "pong", "message"}[random.nextInt(7)]));
        };
    }

    private byte[] mutateBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return randomBytes(1 + random.nextInt(8));
        }
        byte[] mutated = bytes.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> mutated = Arrays.copyOf(mutated, random.nextInt(mutated.length));
            default -> {
                int at = random.nextInt(mutated.length + 1);
                byte[] inserted = randomBytes(1 + random.nextInt(4));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(mutated, 0, at);
                out.writeBytes(inserted);
                out.write(mutated, at, mutated.length - at);
                mutated = out.toByteArray();
            }
        }
        return mutated;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private String seeded(String message) {
        return message + " [FuzzIT seed " + seed + "; replay with -Dherald.fuzz.seed=" + seed + "]";
    }
}
