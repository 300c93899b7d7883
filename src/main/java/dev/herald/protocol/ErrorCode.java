package dev.herald.protocol;

/** The codes of an {@code error} frame. */
public enum ErrorCode {
    /** The frame is not a JSON object. */
    BAD_JSON("bad_json"),
    /** {@code type} is missing or not a known client type. */
    UNKNOWN_TYPE("unknown_type"),
    /** A field is missing, of the wrong type, empty or too long. */
    BAD_MESSAGE("bad_message"),
    /** Over the per-connection rate; the frame was not broadcast. */
    RATE_LIMITED("rate_limited"),
    /** Frames were dropped for this lagging client (policies drop-oldest and conflate); {@code count} says how many. */
    DROPPED("dropped"),
    /** The broker could not take the message (protocol.md §7); nothing was published, the connection stays open. */
    UNAVAILABLE("unavailable"),
    /**
     * A {@code refresh} whose token was refused (an extension); the connection stays open and the session still
     * ends at the current token's {@code exp}.
     */
    UNAUTHORIZED("unauthorized");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
