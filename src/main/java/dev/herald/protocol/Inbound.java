package dev.herald.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * Every frame a client may send to a room, already validated, plus {@link Rejected} for one that could not
 * be understood and {@link TooBig} for one over the size limit. The decoder never throws: a bad frame becomes a {@code Rejected} the endpoint answers.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "publish", type = Inbound.Publish.class),
        @JsonbSubtype(alias = "presence", type = Inbound.PresenceRequest.class),
        @JsonbSubtype(alias = "ping", type = Inbound.Ping.class),
        @JsonbSubtype(alias = "refresh", type = Inbound.Refresh.class)})
public sealed interface Inbound {

    /** Longest accepted {@code ref}. */
    int MAX_REF_LENGTH = 64;

    /**
     * Broadcast {@code text} to the room; acknowledge with {@code ref} when given. {@code key} (optional) names
     * what the message is about, so that a lagging client in a {@code conflate} room keeps only the newest.
     */
    record Publish(String text, String ref, String key) implements Inbound {
    }

    /** Ask for the member list. */
    record PresenceRequest() implements Inbound {
    }

    /** Application-level ping, for browsers that cannot send protocol pings. */
    record Ping(String ref) implements Inbound {
    }

    /**
     * A new token for the session (an extension): the JWT alone, as it would follow {@code herald.bearer.} in the
     * handshake. Its {@code exp} becomes the session's deadline once it is verified.
     */
    record Refresh(String token) implements Inbound {

        /** Tokens are never logged, so a record's usual {@code toString} would not do. */
        @Override
        public String toString() {
            return "Refresh[token=(redacted)]";
        }
    }

    /** A frame over the maximum message size; the connection is closed with 1009. */
    record TooBig() implements Inbound {
    }

    /** A frame that failed decoding or validation; answered with an error frame. */
    record Rejected(ErrorCode code, String message, String ref) implements Inbound {
    }
}
