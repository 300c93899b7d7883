package dev.herald.protocol;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * Writes each {@link Outbound} frame as the same JSON text JSON-B writes for it: {@code type} first, then the
 * fields in JSON-B's default (lexicographic) order, absent fields omitted. It goes straight to one shared JSON-P
 * generator factory, so escaping is the provider's own, but without JSON-B's per-call work (a serialization
 * context, the type-info lookup, a serializer chain per field), which was a tenth of a handshake's CPU: every
 * newcomer gets a {@code welcome}. {@code FrameCodecTest} holds it to JSON-B's output, frame by frame.
 */
final class OutboundJson {

    private final JsonGeneratorFactory generators = JsonProvider.provider().createGeneratorFactory(Map.of());

    String write(Outbound frame) {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator json = generators.createGenerator(text)) {
            json.writeStartObject();
            if (frame instanceof Outbound.Welcome f) {
                json.write("type", "welcome");
                string(json, "epoch", f.epoch());
                json.write("heartbeatSeconds", f.heartbeatSeconds());
                members(json, "members", f.members());
                if (f.missed() != null) {
                    json.write("missed", f.missed());
                }
                json.write("offset", f.offset());
                if (f.recovered() != null) {
                    json.write("recovered", f.recovered());
                }
                string(json, "room", f.room());
                member(json, "you", f.you());
            } else if (frame instanceof Outbound.Joined f) {
                json.write("type", "joined");
                json.write("count", f.count());
                member(json, "member", f.member());
                string(json, "room", f.room());
            } else if (frame instanceof Outbound.Message f) {
                json.write("type", "message");
                member(json, "from", f.from());
                string(json, "key", f.key());
                json.write("offset", f.offset());
                string(json, "room", f.room());
                string(json, "text", f.text());
                string(json, "ts", f.ts());
            } else if (frame instanceof Outbound.Left f) {
                json.write("type", "left");
                json.write("count", f.count());
                member(json, "member", f.member());
                string(json, "reason", f.reason());
                string(json, "room", f.room());
            } else if (frame instanceof Outbound.Ack f) {
                json.write("type", "ack");
                json.write("offset", f.offset());
                string(json, "ref", f.ref());
            } else if (frame instanceof Outbound.Presence f) {
                json.write("type", "presence");
                members(json, "members", f.members());
                string(json, "room", f.room());
            } else if (frame instanceof Outbound.Pong f) {
                json.write("type", "pong");
                string(json, "ref", f.ref());
            } else if (frame instanceof Outbound.Refreshed f) {
                json.write("type", "refreshed");
                if (f.exp() != null) {
                    json.write("exp", f.exp());
                }
            } else if (frame instanceof Outbound.Direct f) {
                json.write("type", "direct");
                member(json, "from", f.from());
                string(json, "text", f.text());
            } else if (frame instanceof Outbound.Error f) {
                json.write("type", "error");
                string(json, "code", f.code());
                if (f.count() != null) {
                    json.write("count", f.count());
                }
                string(json, "message", f.message());
                string(json, "ref", f.ref());
            } else {
                // Outbound is sealed: only a new record that was not added here can get this far.
                throw new IllegalArgumentException("no JSON form for " + frame.getClass().getName());
            }
            json.writeEnd();
        }
        return text.toString();
    }

    private static void string(JsonGenerator json, String key, String value) {
        if (value != null) {
            json.write(key, value);
        }
    }

    private static void member(JsonGenerator json, String key, Member member) {
        if (member != null) {
            json.writeStartObject(key);
            memberFields(json, member);
        }
    }

    private static void members(JsonGenerator json, String key, List<Member> members) {
        if (members != null) {
            json.writeStartArray(key);
            for (Member member : members) {
                if (member == null) {
                    json.writeNull();
                } else {
                    json.writeStartObject();
                    memberFields(json, member);
                }
            }
            json.writeEnd();
        }
    }

    /** A member object's fields, and its end. */
    private static void memberFields(JsonGenerator json, Member member) {
        string(json, "id", member.id());
        string(json, "name", member.name());
        json.writeEnd();
    }
}
