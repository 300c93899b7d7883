package dev.herald.protocol;

import java.util.Locale;

/**
 * Why a member left, as the {@code reason} of a {@code left} frame. {@code node_lost}: the node it was connected
 * to stopped answering (a cluster; protocol.md §7).
 */
public enum LeaveReason {
    CLOSED, TIMEOUT, SLOW, POLICY, ERROR, NODE_LOST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
