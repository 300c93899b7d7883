package dev.herald.broker;

import dev.herald.protocol.Outbound;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One room on the memory broker: the epoch that names its history, its latest offset, and its newest messages,
 * at most {@code capacity} of them and none older than {@code maxAgeNanos}. It also counts the node's
 * subscriptions, so that the broker can forget a room nobody uses once its history has expired.
 *
 * <p>Its monitor guards the state and is held only briefly, never while calling out. {@link #order} is the
 * separate lock that keeps a room's deliveries in offset order: a publish holds it from the offset's allocation
 * until the sink has taken the message.
 */
final class RoomLog {

    /** One kept message and when it was published (a {@link System#nanoTime()} reading). */
    private record Entry(Outbound.Message message, long atNanos) {
    }

    final Object order = new Object();
    private final String epoch;
    private final int capacity;
    private final long maxAgeNanos;
    private final ArrayDeque<Entry> ring = new ArrayDeque<>();
    private long offset;
    private long lastActivityNanos;
    private int subscribers;
    private boolean retired;

    RoomLog(String epoch, int capacity, long maxAgeNanos, long nowNanos) {
        this.epoch = epoch;
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
        this.lastActivityNanos = nowNanos;
    }

    String epoch() {
        return epoch;
    }

    /** Gives {@code draft} the next offset and keeps it; {@code null} if this log has been retired meanwhile. */
    synchronized Outbound.Message append(String room, Draft draft, long nowNanos) {
        if (retired) {
            return null;
        }
        offset++;
        Outbound.Message message = new Outbound.Message(room, offset, draft.from(), draft.text(), draft.ts(), draft.key());
        lastActivityNanos = nowNanos;
        if (capacity > 0) {
            ring.addLast(new Entry(message, nowNanos));
        }
        evict(nowNanos);
        return message;
    }

    synchronized RoomState state() {
        return new RoomState(epoch, offset);
    }

    /** Up to {@code limit} kept messages after {@code since}, oldest first. */
    synchronized History read(long since, int limit, long nowNanos) {
        evict(nowNanos);
        List<Outbound.Message> after = new ArrayList<>(Math.min(limit, ring.size()));
        // Offsets in the ring are consecutive, so the first wanted one is found by arithmetic, not by a search.
        Iterator<Entry> entries = ring.iterator();
        long skip = ring.isEmpty() ? 0 : Math.max(0, since + 1 - ring.peekFirst().message().offset());
        for (long i = 0; i < skip && entries.hasNext(); i++) {
            entries.next();
        }
        while (entries.hasNext() && after.size() < limit) {
            after.add(entries.next().message());
        }
        return new History(epoch, offset, after);
    }

    synchronized void subscribe() {
        subscribers++;
    }

    synchronized void unsubscribe(long nowNanos) {
        subscribers = Math.max(0, subscribers - 1);
        lastActivityNanos = nowNanos;
    }

    /**
     * Retires this log when nobody is subscribed and nothing happened for the history's whole age: its history
     * has expired, and the room starts again in a new epoch. {@code true} if it is (now) retired.
     */
    synchronized boolean retireIfForgettable(long nowNanos) {
        if (!retired && subscribers == 0 && nowNanos - lastActivityNanos >= maxAgeNanos) {
            retired = true;
            ring.clear();
        }
        return retired;
    }

    /** Drops the messages over the age limit; the sweeper calls it so that a quiet room's memory is freed too. */
    synchronized void trim(long nowNanos) {
        evict(nowNanos);
    }

    synchronized int size() {
        return ring.size();
    }

    private void evict(long nowNanos) {
        while (ring.size() > capacity) {
            ring.removeFirst();
        }
        while (!ring.isEmpty() && nowNanos - ring.peekFirst().atNanos() >= maxAgeNanos) {
            ring.removeFirst();
        }
    }
}
