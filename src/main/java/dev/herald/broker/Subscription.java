package dev.herald.broker;

import dev.herald.protocol.Member;
import java.util.List;

/**
 * What a node learns when it subscribes to a room: where the room's order stands, and the members connected to
 * the other nodes at that moment (none with the memory broker). Later changes arrive as {@link PresenceChange}s.
 */
public record Subscription(RoomState at, List<Member> elsewhere) {

    public Subscription {
        elsewhere = List.copyOf(elsewhere);
    }
}
