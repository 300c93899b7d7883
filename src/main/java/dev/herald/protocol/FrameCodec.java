package dev.herald.protocol;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.util.Map;
import java.util.Set;

/**
 * Turns room frames into JSON text and back: JSON-B's forms, written by {@link OutboundJson} and read by JSON-B.
 * Decoding never throws: each way a frame can be
 * wrong becomes an {@link Inbound.Rejected} with the documented error code.
 *
 * <p>Decoding first reads the frame with JSON-P to tell the error codes apart (not an object, unknown type,
 * wrong field type), then maps the checked object to its record with JSON-B.
 */
public final class FrameCodec {

    private static final FrameCodec SHARED = new FrameCodec();

    /** Which fields each client type may carry, and that each must be a string when present. */
    private static final Map<String, Set<String>> STRING_FIELDS = Map.of(
            "publish", Set.of("text", "ref", "key"),
            "presence", Set.of(),
            "ping", Set.of("ref"),
            "refresh", Set.of("token"));

    private final Jsonb jsonb = JsonbBuilder.create();
    private final OutboundJson outbound = new OutboundJson();
    /** Made once: {@code Json.createParser} looks the provider up (a service-loader search) on every call. */
    private final JsonParserFactory parsers = JsonProvider.provider().createParserFactory(Map.of());

    /** One codec per class loader: a Jsonb is thread-safe and costly to build, so sessions share it. */
    public static FrameCodec shared() {
        return SHARED;
    }

    /** The frame's JSON text: what JSON-B writes for it, written without JSON-B's per-call cost. */
    public String encode(Outbound frame) {
        return outbound.write(frame);
    }

    public Inbound decode(String text) {
        JsonObject object = readSingleObject(text);
        if (object == null) {
            return reject(ErrorCode.BAD_JSON, "a frame must be one JSON object", null);
        }
        // A ref that is not valid Unicode is never echoed: it could not be sent back.
        String ref = object.get("ref") instanceof JsonString s && !Utf8.hasLoneSurrogate(s.getString()) ? s.getString() : null;
        if (!(object.get("type") instanceof JsonString type) || !STRING_FIELDS.containsKey(type.getString())) {
            return reject(ErrorCode.UNKNOWN_TYPE, "type must be one of publish, presence, ping, refresh", ref);
        }
        for (String field : STRING_FIELDS.get(type.getString())) {
            JsonValue value = object.get(field);
            if (value != null && value.getValueType() != JsonValue.ValueType.NULL && !(value instanceof JsonString)) {
                return reject(ErrorCode.BAD_MESSAGE, field + " must be a string", ref);
            }
        }
        for (String field : STRING_FIELDS.get(type.getString())) {
            // JSON may escape a lone surrogate ("\ud800"); such text cannot be encoded as UTF-8 for the members.
            if (object.get(field) instanceof JsonString value && Utf8.hasLoneSurrogate(value.getString())) {
                return reject(ErrorCode.BAD_MESSAGE, field + " must be valid Unicode (no lone surrogates)", ref);
            }
        }
        if (ref != null && (ref.isEmpty() || ref.length() > Inbound.MAX_REF_LENGTH)) {
            return reject(ErrorCode.BAD_MESSAGE, "ref must be 1 to " + Inbound.MAX_REF_LENGTH + " characters", null);
        }
        if (object.get("key") instanceof JsonString key
                && (key.getString().isEmpty() || key.getString().length() > Inbound.MAX_REF_LENGTH)) {
            return reject(ErrorCode.BAD_MESSAGE, "key must be 1 to " + Inbound.MAX_REF_LENGTH + " characters", ref);
        }
        Inbound frame;
        try {
            frame = jsonb.fromJson(text, Inbound.class);
        } catch (JsonbException e) {
            return reject(ErrorCode.BAD_MESSAGE, "the frame does not fit its type", ref);
        }
        if (frame instanceof Inbound.Publish publish && (publish.text() == null || publish.text().isBlank())) {
            return reject(ErrorCode.BAD_MESSAGE, "text must be 1 or more characters and not only white space", ref);
        }
        if (frame instanceof Inbound.Refresh refresh && (refresh.token() == null || refresh.token().isEmpty())) {
            return reject(ErrorCode.BAD_MESSAGE, "token must be a JWT, as in herald.bearer.<JWT>", ref);
        }
        return frame;
    }

    /** The frame as one JSON object with nothing after it, or {@code null}. */
    private JsonObject readSingleObject(String text) {
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            JsonObject object = parser.getObject();
            return parser.hasNext() ? null : object;
        } catch (RuntimeException e) {
            // Parsson signals syntax errors, depth over its limit (1000) and bad numbers with different
            // runtime exceptions; every one of them means the client sent something that is not JSON.
            return null;
        }
    }

    private static Inbound.Rejected reject(ErrorCode code, String message, String ref) {
        return new Inbound.Rejected(code, message, ref);
    }
}
