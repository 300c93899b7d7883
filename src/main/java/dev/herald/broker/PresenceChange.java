package dev.herald.broker;

import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;

/**
 * A member of a room joined or left on another node of the cluster.
 *
 * @param reason why it left; {@code null} when it joined
 */
public record PresenceChange(Member member, boolean joined, LeaveReason reason) {

    public static PresenceChange joined(Member member) {
        return new PresenceChange(member, true, null);
    }

    public static PresenceChange left(Member member, LeaveReason reason) {
        return new PresenceChange(member, false, reason);
    }
}
