package dev.herald.hub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of clients that receive the same frames in the same order: every frame is offered to every member
 * under this object's lock, so two concurrent broadcasts cannot interleave differently for two members.
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
    final void offerToAll(Frame frame, Fanout fanout) {
        fanout.expect(members.size());
        for (Client member : members.values()) {
            fanout.offer(member, frame);
        }
    }

    /** Offers {@code frame} to every member but {@code except}; call with this object's lock held. */
    final void offerToOthers(Client except, Frame frame, Fanout fanout) {
        fanout.expect(members.size());
        for (Client member : members.values()) {
            if (member != except) {
                fanout.offer(member, frame);
            }
        }
    }
}
