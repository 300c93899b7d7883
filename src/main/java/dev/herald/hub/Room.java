package dev.herald.hub;

import dev.herald.broker.Broker;
import dev.herald.broker.History;
import dev.herald.broker.PresenceChange;
import dev.herald.broker.Published;
import dev.herald.broker.RoomState;
import dev.herald.broker.Subscription;
import dev.herald.delivery.Fanout;
import dev.herald.delivery.Frame;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One room on this node: its local members, those on other nodes of a cluster (as the broker reports them), and the
 * position of the room's message stream they are at (epoch and the last offset delivered here). Messages arrive from the broker in offset order ({@link #deliver}); a
 * room lives while it has members here, and a later join starts a new one at the broker's current position.
 */
final class Room extends Audience {

    private static final Logger LOG = Logger.getLogger(Room.class.getName());

    /** Where the room's stream stood when a member joined: what its welcome describes. */
    record Position(List<Member> members, String epoch, long offset) {
    }

    private final String name;
    private final FrameCodec codec;
    /** The room's members on other nodes of a cluster, in the order they joined; always empty on one node. */
    private final Map<String, Member> elsewhere = new LinkedHashMap<>();
    private String epoch;
    private long delivered;
    private boolean started;
    private boolean closed;

    Room(String name, FrameCodec codec) {
        this.name = name;
        this.codec = codec;
    }

    String name() {
        return name;
    }

    /**
     * Adds {@code client} and announces it to the others. A plain join is welcomed at once; a resuming client
     * starts holding the room's frames until {@link #finishResume} sends its welcome and missed messages.
     *
     * @return where the stream stood, or {@code null} if this room has closed meanwhile
     * @throws dev.herald.broker.BrokerUnavailableException when the broker cannot subscribe; nothing changed
     */
    synchronized Position join(Client client, Broker broker, int heartbeatSeconds, boolean resuming,
                               Fanout<Client> fanout) {
        if (closed) {
            return null;
        }
        if (!started) {
            Subscription subscription = broker.subscribe(name);
            epoch = subscription.at().epoch();
            delivered = subscription.at().offset();
            subscription.elsewhere().forEach(member -> elsewhere.put(member.id(), member));
            started = true;
        }
        add(client);
        broker.joined(name, client.member());
        List<Member> members = members();
        if (resuming) {
            client.startHolding();
        } else {
            fanout.offer(client, encode(new Outbound.Welcome(name, client.member(), members, delivered,
                    heartbeatSeconds, epoch, null, null)));
        }
        offerToOthers(client, encode(new Outbound.Joined(name, client.member(), members.size())), fanout);
        return new Position(members, epoch, delivered);
    }

    /**
     * Closes this room if the broker never started it (its subscription failed) and it has no members; {@code true}
     * if it is closed now, so the caller can forget it.
     */
    synchronized boolean abandonIfUnstarted() {
        if (!started && size() == 0) {
            closed = true;
        }
        return closed;
    }

    /**
     * Completes a resume: the welcome, then exactly the messages missed between {@code since} and {@code at}, then
     * the frames held since the join. It is all or nothing: when {@code history} does not hold every missed
     * message of {@code at}'s epoch, or more than {@code recoveryMax} are missed, the welcome says
     * {@code recovered: false} and only the held frames follow.
     *
     * @return whether the welcome said recovered, or {@code null} if the client had gone or overflowed meanwhile
     *
     * @param sameEpoch {@code false} when the client resumes from another epoch than the room's: nothing can be
     *                  recovered, and {@code history} only says where the broker is
     * @param history what the broker read, or {@code null} when it could not be read
     */
    synchronized Boolean finishResume(Client client, Position at, long since, boolean sameEpoch, History history,
                                      int recoveryMax, int heartbeatSeconds, Fanout<Client> fanout) {
        if (!client.holding()) {
            return null; // it left before its history arrived
        }
        List<Client.Held> held = client.stopHolding();
        if (held == null) {
            fanout.overflowed(client); // more arrived while its history was read than its queue may hold
            return null;
        }
        if (history != null && !history.epoch().equals(epoch)) {
            // The broker lost this room's history and no message of the new epoch has reached this node yet:
            // the room moves to the new epoch now, and this client starts there, with nothing held from before.
            adopt(history.epoch(), 0);
            at = new Position(members(), epoch, delivered);
            held = List.of();
        }
        List<Outbound.Message> missed = sameEpoch ? missed(at, since, history, recoveryMax) : null;
        boolean recovered = missed != null;
        long seen = recovered ? Math.max(since, at.offset()) : at.offset();
        fanout.offer(client, encode(new Outbound.Welcome(name, client.member(), at.members(), seen, heartbeatSeconds,
                at.epoch(), recovered, recovered ? missed.size() : null)));
        if (recovered) {
            for (Outbound.Message message : missed) {
                fanout.offer(client, messageFrame(message));
            }
        }
        for (Client.Held frame : held) {
            // Messages delivered here after the join but already seen by the client (its since was ahead of
            // this node) are not sent twice.
            if (!recovered || frame.offset() == 0 || frame.offset() > since) {
                fanout.offer(client, frame.frame());
            }
        }
        return recovered;
    }

    /**
     * The messages after {@code since} up to {@code at}'s offset, or {@code null} when they cannot all be given.
     */
    private static List<Outbound.Message> missed(Position at, long since, History history, int recoveryMax) {
        if (history == null || !history.epoch().equals(at.epoch()) || since > history.latest()) {
            return null;
        }
        long wanted = at.offset() - since;
        if (wanted <= 0) {
            return List.of();
        }
        if (wanted > recoveryMax) {
            return null;
        }
        List<Outbound.Message> missed = history.messages().stream()
                .filter(message -> message.offset() > since && message.offset() <= at.offset())
                .toList();
        boolean complete = missed.size() == wanted && missed.get(0).offset() == since + 1;
        return complete ? missed : null;
    }

    /** Delivers a message from the broker to every member here, encoded once; a repeat is ignored. */
    synchronized void deliver(Published published, Fanout<Client> fanout) {
        if (!started || closed) {
            return;
        }
        if (!published.epoch().equals(epoch)) {
            adopt(published.epoch(), published.offset() - 1);
        }
        if (published.offset() <= delivered) {
            return;
        }
        delivered = published.offset();
        Outbound.Message message = published.message();
        offerToAll(messageFrame(message), message.offset(), fanout);
    }

    /**
     * The room's history was lost (a cluster's Redis was flushed or restarted) and its order starts again in
     * {@code newEpoch}: the members here stay, and receive the new epoch's messages from its offset 1 on.
     */
    private void adopt(String newEpoch, long newDelivered) {
        LOG.warning(() -> "room " + name + " moved from epoch " + epoch + " to " + newEpoch
                + ": its history was lost");
        epoch = newEpoch;
        delivered = newDelivered;
    }

    /**
     * Removes {@code client} and tells the others why; {@code true} if the room is now empty and closed,
     * so the caller can forget it and unsubscribe.
     */
    synchronized boolean leave(Client client, LeaveReason reason, Broker broker, Fanout<Client> fanout) {
        if (!remove(client)) {
            return false;
        }
        client.stopHolding();
        broker.left(name, client.member(), reason);
        offerToAll(encode(new Outbound.Left(name, client.member(), reason.wireName(), count())), 0, fanout);
        closed = size() == 0;
        return closed;
    }

    /** A member joined or left on another node: the members here are told, with the count across the cluster. */
    synchronized void presence(PresenceChange change, Fanout<Client> fanout) {
        if (!started || closed) {
            return;
        }
        Member member = change.member();
        if (change.joined()) {
            if (elsewhere.putIfAbsent(member.id(), member) == null) {
                offerToAll(encode(new Outbound.Joined(name, member, count())), 0, fanout);
            }
        } else if (elsewhere.remove(member.id()) != null) {
            offerToAll(encode(new Outbound.Left(name, member, change.reason().wireName(), count())), 0, fanout);
        }
    }

    /** Relays binary data unchanged to every member, the sender included. */
    synchronized void relay(ByteBuffer data, Fanout<Client> fanout) {
        offerToAll(Frame.binary(data), 0, fanout);
    }

    /** Every member, here and on other nodes. */
    synchronized List<Member> members() {
        List<Member> members = new ArrayList<>(size() + elsewhere.size());
        snapshot().forEach(client -> members.add(client.member()));
        members.addAll(elsewhere.values());
        return members;
    }

    /** Members here and on other nodes. */
    private int count() {
        return size() + elsewhere.size();
    }

    synchronized RoomState position() {
        return new RoomState(epoch, delivered);
    }

    /** A message, live or replayed, as the policies may drop or conflate it. */
    private Frame messageFrame(Outbound.Message message) {
        return Frame.message(codec.encode(message), message.key());
    }

    private Frame encode(Outbound frame) {
        return Frame.text(codec.encode(frame));
    }
}
