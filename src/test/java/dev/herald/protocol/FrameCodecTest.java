package dev.herald.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FrameCodecTest {

    private final FrameCodec codec = FrameCodec.shared();

    private static final Jsonb JSONB = JsonbBuilder.create();

    /** Each frame type with every optional field absent and present, and text that needs escaping. */
    static Stream<Outbound> everyFrameShape() {
        Member ann = new Member("n1-1", "ann");
        Member odd = new Member("n1-2", "\"quoted\" \\ back/slash \u0001\u001f tab\t line\n é 😀 \u2028");
        List<Member> withANull = Arrays.asList(ann, null, odd);
        return Stream.of(
                new Outbound.Welcome("lobby", ann, List.of(ann, odd), 0, 25, "e1", null, null),
                new Outbound.Welcome("lobby", odd, List.of(), Long.MAX_VALUE, 0, null, false, 0),
                new Outbound.Welcome("lobby", null, null, 9, 25, "e1", true, 3),
                new Outbound.Welcome("lobby", ann, withANull, 1, 1, "e", null, 2),
                new Outbound.Joined("room/with \"odd\" name", odd, 2),
                new Outbound.Joined(null, null, 0),
                new Outbound.Message("lobby", 7, ann, "hello", "2026-11-30T10:00:00.000Z", null),
                new Outbound.Message("lobby", -1, odd, odd.name(), "ts", "key \"k\""),
                new Outbound.Message(null, 0, null, null, null, null),
                new Outbound.Left("lobby", ann, "closed", 1),
                new Outbound.Left(null, null, null, -5),
                new Outbound.Ack("r1", 7),
                new Outbound.Ack(null, 0),
                new Outbound.Presence("lobby", List.of(ann, odd)),
                new Outbound.Presence("lobby", withANull),
                new Outbound.Presence(null, null),
                new Outbound.Pong("p\u0000ing"),
                new Outbound.Pong(null),
                new Outbound.Refreshed(1_790_000_000L),
                new Outbound.Refreshed(null),
                new Outbound.Direct(ann, "from the operator\r\n"),
                new Outbound.Direct(null, null),
                new Outbound.Error(ErrorCode.BAD_JSON, "a frame must be one JSON object", "r\"1"),
                Outbound.Error.dropped(12),
                new Outbound.Error(null, null, null, null));
    }

    @ParameterizedTest
    @MethodSource("everyFrameShape")
    void writesEveryFrameExactlyAsJsonbDoes(Outbound frame) {
        assertEquals(JSONB.toJson(frame), codec.encode(frame));
    }

    @Test
    void encodesTypeFirstAndOmitsNulls() {
        String json = codec.encode(new Outbound.Pong(null));
        assertEquals("{\"type\":\"pong\"}", json);
        assertEquals("{\"type\":\"ack\",\"offset\":7,\"ref\":\"r1\"}", codec.encode(new Outbound.Ack("r1", 7)));
    }

    @Test
    void encodesWelcomeWithNestedMembers() {
        Member me = new Member("n1-1", "ann");
        String json = codec.encode(new Outbound.Welcome("lobby", me, List.of(me), 0, 25, "e1", null, null));
        assertEquals("{\"type\":\"welcome\",\"epoch\":\"e1\",\"heartbeatSeconds\":25,"
                + "\"members\":[{\"id\":\"n1-1\",\"name\":\"ann\"}],"
                + "\"offset\":0,\"room\":\"lobby\",\"you\":{\"id\":\"n1-1\",\"name\":\"ann\"}}", json);
    }

    @Test
    void encodesAResumedWelcomeWithRecoveredAndMissed() {
        Member me = new Member("n1-1", "ann");
        String json = codec.encode(new Outbound.Welcome("lobby", me, List.of(me), 9, 25, "e1", true, 3));
        assertEquals("{\"type\":\"welcome\",\"epoch\":\"e1\",\"heartbeatSeconds\":25,"
                + "\"members\":[{\"id\":\"n1-1\",\"name\":\"ann\"}],\"missed\":3,"
                + "\"offset\":9,\"recovered\":true,\"room\":\"lobby\",\"you\":{\"id\":\"n1-1\",\"name\":\"ann\"}}", json);
    }

    @Test
    void encodesErrorWithWireCode() {
        assertEquals("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\"}",
                codec.encode(new Outbound.Error(ErrorCode.RATE_LIMITED, "slow down", null)));
    }

    @Test
    void decodesEachClientType() {
        assertEquals(new Inbound.Publish("hi", "r", null), codec.decode("{\"type\":\"publish\",\"text\":\"hi\",\"ref\":\"r\"}"));
        assertEquals(new Inbound.Publish("hi", null, null), codec.decode("{\"text\":\"hi\",\"type\":\"publish\",\"extra\":[1]}"));
        assertEquals(new Inbound.Publish("hi", null, "eur"), codec.decode("{\"type\":\"publish\",\"text\":\"hi\",\"key\":\"eur\"}"));
        assertInstanceOf(Inbound.PresenceRequest.class, codec.decode("{\"type\":\"presence\"}"));
        assertEquals(new Inbound.Ping("p"), codec.decode("{\"type\":\"ping\",\"ref\":\"p\"}"));
        assertEquals(new Inbound.Ping(null), codec.decode("{\"type\":\"ping\"}"));
        assertEquals(new Inbound.Refresh("h.p.s"), codec.decode("{\"type\":\"refresh\",\"token\":\"h.p.s\"}"));
    }

    @Test
    void encodesRefreshedAndNeverPrintsARefreshToken() {
        assertEquals("{\"type\":\"refreshed\",\"exp\":1767225600}", codec.encode(new Outbound.Refreshed(1767225600L)));
        assertEquals("{\"type\":\"refreshed\"}", codec.encode(new Outbound.Refreshed(null)));
        assertEquals("{\"type\":\"error\",\"code\":\"unauthorized\",\"message\":\"no\"}",
                codec.encode(new Outbound.Error(ErrorCode.UNAUTHORIZED, "no", null)));
        assertFalse(new Inbound.Refresh("secret.token.value").toString().contains("secret"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json                                  | bad_json",
            "[1,2]                                     | bad_json",
            "\"text\"                                  | bad_json",
            "{\"type\":\"publish\",\"text\":\"a\"} {}  | bad_json",
            "{}                                        | unknown_type",
            "{\"type\":\"shout\"}                      | unknown_type",
            "{\"type\":7}                              | unknown_type",
            "{\"type\":\"publish\"}                    | bad_message",
            "{\"type\":\"publish\",\"text\":\"\"}      | bad_message",
            "{\"type\":\"publish\",\"text\":\"  \"}    | bad_message",
            "{\"type\":\"publish\",\"text\":5}         | bad_message",
            "{\"type\":\"publish\",\"text\":{}}        | bad_message",
            "{\"type\":\"publish\",\"text\":\"a\",\"ref\":9} | bad_message",
            "{\"type\":\"ping\",\"ref\":\"\"}          | bad_message",
            "{\"type\":\"publish\",\"text\":\"a\",\"key\":\"\"} | bad_message",
            "{\"type\":\"publish\",\"text\":\"a\",\"key\":7}  | bad_message",
            "{\"type\":\"refresh\"}                    | bad_message",
            "{\"type\":\"refresh\",\"token\":\"\"}      | bad_message",
            "{\"type\":\"refresh\",\"token\":5}         | bad_message",
    })
    void rejectsWithTheDocumentedCode(String frame, String code) {
        Inbound decoded = codec.decode(frame.trim());
        Inbound.Rejected rejected = assertInstanceOf(Inbound.Rejected.class, decoded, frame);
        assertEquals(code, rejected.code().wireName(), frame);
    }

    @Test
    void rejectsOverlongRefAndKeepsValidRefInErrors() {
        String longRef = "r".repeat(65);
        assertEquals(ErrorCode.BAD_MESSAGE, ((Inbound.Rejected) codec.decode(
                "{\"type\":\"publish\",\"text\":\"a\",\"ref\":\"" + longRef + "\"}")).code());
        assertEquals("x", ((Inbound.Rejected) codec.decode("{\"type\":\"nope\",\"ref\":\"x\"}")).ref());
    }

    @Test
    void rejectsDeeplyNestedJsonWithoutFailing() {
        String nested = "[".repeat(100_000) + "]".repeat(100_000);
        assertEquals(ErrorCode.BAD_JSON, ((Inbound.Rejected) codec.decode(nested)).code());
        String nestedField = "{\"type\":\"publish\",\"text\":\"a\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertInstanceOf(Inbound.class, codec.decode(nestedField));
    }
}
