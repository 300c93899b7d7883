package dev.herald.broker;

import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * One room's stream of messages into this node from Redis, in offset order with no gap and no repeat, and its
 * members on the other nodes, each join and departure told once. Pub/sub
 * alone loses messages while a node's link is down, so the feed watches the offsets: a jump, a link that comes
 * back, or a touch that finds the room further on than delivered makes it read the missing range from the room's
 * history, and it delivers that range before anything newer. Meanwhile newer messages wait in {@code pending}.
 *
 * <p>Not thread-safe: the broker calls it only on its one event thread, which also keeps every room's deliveries
 * in order.
 */
final class RoomFeed {

    private static final Logger LOG = Logger.getLogger(RoomFeed.class.getName());

    /** Reads the room's history after an offset for a feed; the answer comes back through {@link #repaired}. */
    interface Repairs {
        void read(RoomFeed feed, long since);
    }

    private final String room;
    private final BrokerSink sink;
    private final Repairs repairs;
    private final TreeMap<Long, Published> pending = new TreeMap<>();
    /** Acks waiting for their message, by offset, in the current epoch. */
    private final TreeMap<Long, List<CompletableFuture<RoomState>>> acks = new TreeMap<>();
    /**
     * Acks of messages published in an epoch this node has not reached yet (Redis lost the room and the publish began
     * the new epoch): they wait for the feed to move there, so that an ack still follows its own message.
     */
    private final Map<String, TreeMap<Long, List<CompletableFuture<RoomState>>>> acksAhead = new HashMap<>();
    /** The epochs this feed has left, most recent last: a publish in one of them is never delivered again. */
    private final LinkedHashSet<String> retiredEpochs = new LinkedHashSet<>();
    private static final int RETIRED_EPOCHS_KEPT = 16;
    /** The room's members on other nodes, as this node knows them. */
    private final Map<String, Member> elsewhere = new LinkedHashMap<>();
    /** Presence changes that arrived before the snapshot: those it already includes are dropped at start. */
    private final List<SequencedChange> earlyChanges = new ArrayList<>();
    private String epoch;
    private long delivered;
    /** Offsets up to here were looked for in history already: what is still missing below it is lost. */
    private long searchedUpTo;
    private boolean started;
    private boolean repairing;
    private boolean closed;

    RoomFeed(String room, BrokerSink sink, Repairs repairs) {
        this.room = room;
        this.sink = sink;
        this.repairs = repairs;
    }

    String room() {
        return room;
    }

    /**
     * The subscription is in place and the room stood at {@code at}, with presence sequence {@code presenceSeq}
     * and {@code others} on other nodes: deliver what follows.
     */
    void start(RoomState at, long presenceSeq, List<Member> others) {
        epoch = at.epoch();
        delivered = at.offset();
        searchedUpTo = at.offset();
        others.forEach(member -> elsewhere.put(member.id(), member));
        started = true;
        for (SequencedChange early : earlyChanges) {
            if (early.seq() > presenceSeq) {
                apply(early.change());
            }
        }
        earlyChanges.clear();
        drainPending();
    }

    /** A member joined or left on another node; numbered in the room's presence sequence. */
    void onPresence(long seq, PresenceChange change) {
        if (closed) {
            return;
        }
        if (!started) {
            earlyChanges.add(new SequencedChange(seq, change));
            return;
        }
        apply(change);
    }

    /**
     * After the link came back: {@code others} is who is on other nodes now. Changes missed meanwhile are told as
     * if they had arrived (a departure missed this way is reported with reason {@code closed}).
     */
    void reconcile(List<Member> others) {
        if (closed || !started) {
            return;
        }
        Map<String, Member> now = new LinkedHashMap<>();
        others.forEach(member -> now.put(member.id(), member));
        for (Member gone : List.copyOf(elsewhere.values())) {
            if (!now.containsKey(gone.id())) {
                apply(PresenceChange.left(gone, LeaveReason.CLOSED));
            }
        }
        now.values().forEach(member -> apply(PresenceChange.joined(member)));
    }

    /** The members on other nodes that this node knows of now. */
    List<Member> elsewhere() {
        return List.copyOf(elsewhere.values());
    }

    /** Applies a change once: a join of a known member or a departure of an unknown one tells nobody. */
    private void apply(PresenceChange change) {
        boolean changed = change.joined()
                ? elsewhere.putIfAbsent(change.member().id(), change.member()) == null
                : elsewhere.remove(change.member().id()) != null;
        if (changed) {
            sink.presence(room, change);
        }
    }

    /** A message from the room's channel. */
    void onMessage(Published message) {
        if (closed) {
            return;
        }
        if (!started || repairing) {
            pending.put(message.offset(), message);
            return;
        }
        if (!message.epoch().equals(epoch)) {
            // The room's history was lost (Redis flushed, expired or restarted): its order starts again.
            moveToEpoch(message.epoch());
        }
        long offset = message.offset();
        if (offset <= delivered) {
            return; // a repeat: repaired from history already
        }
        if (offset == delivered + 1 || offset <= searchedUpTo) {
            if (offset != delivered + 1) {
                long lost = offset - delivered - 1;
                LOG.warning(() -> "room " + room + ": " + lost + " messages before offset " + offset
                        + " were gone from history when this node looked for them");
            }
            deliver(message);
            return;
        }
        pending.put(offset, message);
        repair();
    }

    /**
     * The room stands at {@code at} (the link came back, or a periodic touch): repair if it is ahead of what was
     * delivered here.
     */
    void check(RoomState at) {
        if (closed || !started || repairing) {
            return;
        }
        if (!at.epoch().equals(epoch) || at.offset() > delivered) {
            repair();
        }
    }

    /** The link to Redis came back: whatever was published meanwhile must be read from history. */
    void linkBack() {
        if (!closed && started && !repairing) {
            repair();
        }
    }

    /** What {@link Repairs#read} found: deliver it, then what waited; {@code null} when it could not be read. */
    void repaired(History history) {
        if (closed) {
            return;
        }
        if (history == null) {
            repairing = false; // the next message, touch or reconnection tries again
            return;
        }
        if (!history.epoch().equals(epoch)) {
            moveToEpoch(history.epoch());
            pending.values().removeIf(message -> !message.epoch().equals(history.epoch()));
            repairs.read(this, 0);
            return;
        }
        for (var message : history.messages()) {
            if (message.offset() > delivered) {
                deliver(new Published(epoch, message));
            }
        }
        searchedUpTo = Math.max(searchedUpTo, history.latest());
        repairing = false;
        drainPending();
    }

    /**
     * Completes {@code ack} once this node has delivered {@code at}, so that a publisher's ack follows its own copy
     * of the message.
     */
    void afterDelivery(RoomState at, CompletableFuture<RoomState> ack) {
        if (closed || !started || retiredEpochs.contains(at.epoch())
                || at.epoch().equals(epoch) && at.offset() <= delivered) {
            ack.complete(at); // delivered already, or never to be: an epoch this node has left
            return;
        }
        TreeMap<Long, List<CompletableFuture<RoomState>>> waiting = at.epoch().equals(epoch) ? acks
                : acksAhead.computeIfAbsent(at.epoch(), next -> new TreeMap<>());
        waiting.computeIfAbsent(at.offset(), offset -> new ArrayList<>()).add(ack);
    }

    /**
     * The room's history was lost and its order starts again in {@code next}: the acks of the epoch left complete (its
     * messages will not come now), and those that were waiting for {@code next} wait on in it.
     */
    private void moveToEpoch(String next) {
        LOG.warning(() -> "room " + room + " moved from epoch " + epoch + " to " + next);
        completeAcks(Long.MAX_VALUE);
        retiredEpochs.add(epoch);
        if (retiredEpochs.size() > RETIRED_EPOCHS_KEPT) {
            retiredEpochs.remove(retiredEpochs.iterator().next());
        }
        epoch = next;
        delivered = 0;
        searchedUpTo = 0;
        TreeMap<Long, List<CompletableFuture<RoomState>>> ahead = acksAhead.remove(next);
        if (ahead != null) {
            acks.putAll(ahead);
        }
    }

    /** The node has no members in the room any more: nothing more is delivered, and waiting acks complete. */
    void close() {
        closed = true;
        pending.clear();
        earlyChanges.clear();
        completeAcks(Long.MAX_VALUE);
        acksAhead.forEach((ahead, byOffset) -> byOffset.forEach((offset, waiting) ->
                waiting.forEach(ack -> ack.complete(new RoomState(ahead, offset)))));
        acksAhead.clear();
    }

    private record SequencedChange(long seq, PresenceChange change) {
    }

    private void repair() {
        repairing = true;
        repairs.read(this, delivered);
    }

    private void deliver(Published message) {
        delivered = message.offset();
        sink.deliver(message);
        completeAcks(delivered);
    }

    private void drainPending() {
        List<Published> waiting = new ArrayList<>(pending.values());
        pending.clear();
        Iterator<Published> next = waiting.iterator();
        while (next.hasNext() && !repairing) {
            onMessage(next.next());
        }
        next.forEachRemaining(message -> pending.put(message.offset(), message));
    }

    private void completeAcks(long upTo) {
        var done = acks.headMap(upTo, true);
        for (Map.Entry<Long, List<CompletableFuture<RoomState>>> entry : done.entrySet()) {
            entry.getValue().forEach(ack -> ack.complete(new RoomState(epoch, entry.getKey())));
        }
        done.clear();
    }
}
