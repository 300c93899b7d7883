package dev.herald.broker;

import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;

/**
 * How a room's events travel through Redis: a message's draft as JSON in the history stream, and on the room's
 * channel as {@code epoch \n offset \n json}, so that a node reads the order without parsing the message; a
 * presence change as {@code P \n seq \n json}; binary data as {@code B \n base64} (an epoch is never {@code P}: epochs are lower-case base 36). Each node decodes
 * a message once, whatever the number of its members.
 */
final class RedisWire {

    /** The stored form of a message: what the publisher wrote; the offset lives in the stream's entry id. */
    public record Stored(String fromId, String fromName, String text, String ts, String key) {
    }

    /** A presence change as it travels: {@code reason} is a {@link LeaveReason} wire name, or null for a join. */
    public record Change(String id, String name, String reason) {
    }

    /** A presence change from a room's channel, with its place in the room's presence sequence. */
    record SequencedPresence(long seq, PresenceChange change) {
    }

    private static final String PRESENCE = "P";
    private static final String BINARY = "B\n";

    /** Binary data for a room's channel: Base64, since the channel carries text. */
    String encodeBinary(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return BINARY + Base64.getEncoder().encodeToString(bytes);
    }

    /** Binary data from a room's channel, or {@code null} if {@code payload} is something else. */
    ByteBuffer decodeBinary(String payload) {
        return payload.startsWith(BINARY)
                ? ByteBuffer.wrap(Base64.getDecoder().decode(payload.substring(BINARY.length()))) : null;
    }

    private final Jsonb jsonb = JsonbBuilder.create();

    /** The JSON of a presence change, for the join and leave scripts, which prefix it with its sequence. */
    String encode(PresenceChange change) {
        return jsonb.toJson(new Change(change.member().id(), change.member().name(),
                change.joined() ? null : change.reason().wireName()));
    }

    /** A presence change from the room's channel, or {@code null} if {@code payload} is a message. */
    SequencedPresence decodePresence(String payload) {
        if (!payload.startsWith(PRESENCE + "\n")) {
            return null;
        }
        int second = payload.indexOf('\n', PRESENCE.length() + 1);
        long seq = Long.parseLong(payload, PRESENCE.length() + 1, second, 10);
        Change change = jsonb.fromJson(payload.substring(second + 1), Change.class);
        Member member = new Member(change.id(), change.name());
        return new SequencedPresence(seq, change.reason() == null ? PresenceChange.joined(member)
                : PresenceChange.left(member, LeaveReason.valueOf(change.reason().toUpperCase(Locale.ROOT))));
    }

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
