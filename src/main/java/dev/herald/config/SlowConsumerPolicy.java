package dev.herald.config;

import java.util.Locale;

/** What happens to a client whose outbound queue goes over its byte budget. */
public enum SlowConsumerPolicy {
    /** Close it with 4000 {@code slow consumer}; the others are not touched. The default. */
    DISCONNECT,
    /** Keep it; drop its oldest queued frames to make room, and tell it how many in an {@code error} frame. */
    DROP_OLDEST,
    /** Keep it; keep only the newest queued message per publish {@code key}, then drop the oldest if needed. */
    CONFLATE;

    /** The configuration and documentation name, e.g. {@code drop-oldest}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException for a name that is none of disconnect, drop-oldest, conflate */
    public static SlowConsumerPolicy fromWireName(String name) {
        for (SlowConsumerPolicy policy : values()) {
            if (policy.wireName().equals(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("unknown slow-consumer policy '" + name
                + "'; use disconnect, drop-oldest or conflate");
    }
}
