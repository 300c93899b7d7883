package dev.herald.protocol;

import java.util.Locale;

/** Why a member left, as the {@code reason} of a {@code left} frame. */
public enum LeaveReason {
    CLOSED, TIMEOUT, SLOW, POLICY, ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
