package dev.herald.broker;

import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/**
 * How a room message travels through Redis: its draft as JSON in the history stream, and on the room's channel
 * as {@code epoch \n offset \n json}, so that a node reads the order without parsing the message. Each node decodes
 * a message once, whatever the number of its members.
 */
final class RedisWire {

    /** The stored form of a message: what the publisher wrote; the offset lives in the stream's entry id. */
    public record Stored(String fromId, String fromName, String text, String ts, String key) {
    }

    private final Jsonb jsonb = JsonbBuilder.create();

    String encode(Draft draft) {
        return jsonb.toJson(new Stored(draft.from().id(), draft.from().name(), draft.text(), draft.ts(), draft.key()));
    }

    Outbound.Message decode(String room, long offset, String json) {
        Stored stored = jsonb.fromJson(json, Stored.class);
        return new Outbound.Message(room, offset, new Member(stored.fromId(), stored.fromName()), stored.text(),
                stored.ts(), stored.key());
    }

    /** A message from the room's channel, or {@code null} if {@code payload} is not one. */
    Published decodePublished(String room, String payload) {
        int first = payload.indexOf('\n');
        int second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
        if (second < 0) {
            return null;
        }
        String epoch = payload.substring(0, first);
        long offset = Long.parseLong(payload, first + 1, second, 10);
        return new Published(epoch, decode(room, offset, payload.substring(second + 1)));
    }

    void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close JSON-B", e);
        }
    }
}
