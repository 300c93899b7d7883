package dev.herald.hub;

import dev.herald.delivery.Fanout;
import dev.herald.delivery.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of clients that receive the same frames in the same order: every frame is offered to every member
 * under this object's lock, so two concurrent broadcasts cannot interleave differently for two members.
 * A member that is catching up on history ({@link Client#holding()}) has its frames held back, in order.
 */
class Audience {

    private final Map<Long, Client> members = new LinkedHashMap<>();

    /** Adds {@code client}; call with this object's lock held. */
    final void add(Client client) {
        members.put(client.number(), client);
    }

    /** Removes {@code client}; {@code true} if it was a member. Call with this object's lock held. */
    final boolean remove(Client client) {
        return members.remove(client.number()) != null;
    }

    final int size() {
        return members.size();
    }

    final List<Client> snapshot() {
        return new ArrayList<>(members.values());
    }

    /** Offers {@code frame} to every member; call with this object's lock held. */
    final void offerToAll(Frame frame, long offset, Fanout<Client> fanout) {
        fanout.expect(members.size());
        for (Client member : members.values()) {
            offer(member, frame, offset, fanout);
        }
    }

    /** Offers {@code frame} to every member but {@code except}; call with this object's lock held. */
    final void offerToOthers(Client except, Frame frame, Fanout<Client> fanout) {
        fanout.expect(members.size());
        for (Client member : members.values()) {
            if (member != except) {
                offer(member, frame, 0, fanout);
            }
        }
    }

    private static void offer(Client member, Frame frame, long offset, Fanout<Client> fanout) {
        if (member.holding()) {
            member.hold(frame, offset);
        } else {
            fanout.offer(member, frame);
        }
    }
}
