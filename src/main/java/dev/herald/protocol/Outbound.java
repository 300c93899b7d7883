package dev.herald.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.List;

/**
 * Every frame the room endpoint sends. JSON-B writes the {@code type} key from the subtype alias, so a
 * record cannot be sent with the wrong type.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "welcome", type = Outbound.Welcome.class),
        @JsonbSubtype(alias = "joined", type = Outbound.Joined.class),
        @JsonbSubtype(alias = "message", type = Outbound.Message.class),
        @JsonbSubtype(alias = "left", type = Outbound.Left.class),
        @JsonbSubtype(alias = "ack", type = Outbound.Ack.class),
        @JsonbSubtype(alias = "presence", type = Outbound.Presence.class),
        @JsonbSubtype(alias = "pong", type = Outbound.Pong.class),
        @JsonbSubtype(alias = "refreshed", type = Outbound.Refreshed.class),
        @JsonbSubtype(alias = "direct", type = Outbound.Direct.class),
        @JsonbSubtype(alias = "error", type = Outbound.Error.class)})
public sealed interface Outbound {

    /**
     * First frame to a newcomer. {@code offset} is the room's latest message offset, 0 if none, in the history
     * named {@code epoch}. On a resume ({@code since} and {@code epoch} in the URL) {@code recovered} says whether
     * the missed messages follow, and {@code missed} how many; both are omitted on a plain join.
     */
    record Welcome(String room, Member you, List<Member> members, long offset, int heartbeatSeconds, String epoch,
                   Boolean recovered, Integer missed) implements Outbound {
    }

    /** To the other members when someone joins. */
    record Joined(String room, Member member, int count) implements Outbound {
    }

    /**
     * A published text, to every member; {@code ts} is ISO-8601 UTC with milliseconds, {@code key} the
     * publish's conflation key (omitted when it had none).
     */
    record Message(String room, long offset, Member from, String text, String ts, String key) implements Outbound {
    }

    /** To the remaining members when someone leaves; {@code reason} is a {@link LeaveReason} wire name. */
    record Left(String room, Member member, String reason, int count) implements Outbound {
    }

    /** To the sender of a publish that carried a {@code ref}. */
    record Ack(String ref, long offset) implements Outbound {
    }

    /** Reply to a presence request. */
    record Presence(String room, List<Member> members) implements Outbound {
    }

    /** Reply to a ping; {@code ref} is omitted when the ping had none. */
    record Pong(String ref) implements Outbound {
    }

    /**
     * Reply to an accepted {@code refresh} (an extension): the session now ends at {@code exp}, in seconds since the
     * epoch as in the token; omitted when the new token has none.
     */
    record Refreshed(Long exp) implements Outbound {
    }

    /**
     * A text for this member alone, from the operator (the HTTP API's {@code POST /api/clients/{id}/messages}, an
     * extension): not part of the room's order, so it has no offset and is not kept in history.
     */
    record Direct(Member from, String text) implements Outbound {
    }

    /**
     * A frame that could not be served, or (code {@code dropped}) frames the server dropped for this lagging
     * client, {@code count} of them; the connection stays open. Absent fields are omitted.
     */
    record Error(String code, String message, String ref, Long count) implements Outbound {

        public Error(ErrorCode code, String message, String ref) {
            this(code.wireName(), message, ref, null);
        }

        /** The report of {@code count} frames dropped by the {@code drop-oldest} or {@code conflate} policy. */
        public static Error dropped(long count) {
            return new Error(ErrorCode.DROPPED.wireName(), count + " messages were dropped because this client fell "
                    + "behind", null, count);
        }
    }
}
