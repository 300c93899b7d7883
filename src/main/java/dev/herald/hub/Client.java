package dev.herald.hub;

import dev.herald.admission.RateLimiter;
import dev.herald.auth.Identity;
import dev.herald.auth.Verdict;
import dev.herald.delivery.Connection;
import dev.herald.delivery.Frame;
import dev.herald.delivery.OutboundQueue;
import dev.herald.delivery.Recipient;
import dev.herald.protocol.Closure;
import dev.herald.protocol.Member;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connected client as the hub tracks it: its number and member identity, its outbound queue and rate
 * limiter, when it was last heard from, the verified token it holds (if authentication is on), why the hub closed
 * it (if it did), and, while it resumes, the room's frames held back until its missed messages have gone first.
 */
public final class Client implements Recipient {

    /** A frame held for a resuming client, with its message offset (0 for frames that are not messages). */
    record Held(Frame frame, long offset) {
    }

    private final long number;
    private final Member member;
    private final Connection connection;
    private final String address;
    private final Room room;
    private final OutboundQueue queue;
    private final Instant connectedAt;
    final RateLimiter limiter;
    private volatile long lastHeardNanos;
    /** What its handshake's token, or its last accepted refresh, said; {@code null} when authentication is off. */
    private volatile Identity identity;
    private final AtomicReference<Closure> closure = new AtomicReference<>();
    private final AtomicBoolean gone = new AtomicBoolean();
    /** Guarded by the room's lock; {@code null} unless the client is resuming. */
    private List<Held> held;
    private long heldBytes;
    private boolean heldOverflow;

    Client(long number, Member member, Connection connection, String address, Room room,
           OutboundQueue queue, RateLimiter limiter, Instant connectedAt, long nowNanos) {
        this.number = number;
        this.member = member;
        this.connection = connection;
        this.address = address;
        this.room = room;
        this.queue = queue;
        this.limiter = limiter;
        this.connectedAt = connectedAt;
        this.lastHeardNanos = nowNanos;
    }

    /**
     * How an operator names it (the HTTP API's {@code {id}}): a classic client by its number, which is unique
     * across a cluster, a room member by its member id ({@code <node>-<number>}); the two never look alike.
     */
    public String id() {
        return room == null ? Long.toString(number) : member.id();
    }

    /** What an operator sees of it. */
    public ClientInfo info() {
        return new ClientInfo(id(), room == null ? ClientInfo.CLASSIC : ClientInfo.ROOM,
                room == null ? null : room.name(), room == null ? null : member.name(), address,
                Rooms.TIMESTAMP.format(connectedAt));
    }

    /** The node-local connection number: 1, 2, 3, … */
    public long number() {
        return number;
    }

    public Member member() {
        return member;
    }

    @Override
    public OutboundQueue queue() {
        return queue;
    }

    /** The room, or {@code null} for a classic client. */
    Room room() {
        return room;
    }

    Connection connection() {
        return connection;
    }

    String address() {
        return address;
    }

    void heard(long nowNanos) {
        lastHeardNanos = nowNanos;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Records the token its handshake was admitted with, if any; call before the client is registered. */
    void authenticated(Verdict verdict) {
        identity = verdict != null && verdict.accepted() ? verdict.identity() : null;
    }

    /** The token it holds now, or {@code null} when authentication is off. */
    Identity identity() {
        return identity;
    }

    /** A refresh was accepted: from now on the session ends at {@code renewed}'s {@code exp}. */
    void reauthenticated(Identity renewed) {
        identity = renewed;
    }

    /** {@code true} once the token it holds has passed its {@code exp}. */
    boolean tokenExpiredAt(Instant now) {
        Identity current = identity;
        return current != null && current.expiredAt(now);
    }

    /** Records why the hub closes this client; the first reason wins. {@code true} if this one did. */
    boolean markClosing(Closure why) {
        return closure.compareAndSet(null, why);
    }

    Closure closure() {
        return closure.get();
    }

    /** {@code true} exactly once, for whoever first reports the connection gone. */
    boolean markGone() {
        return gone.compareAndSet(false, true);
    }

    // ---- resuming: call these with the room's lock held -------------------------------------------

    /** From now on the room's frames for this client are held back ({@link #hold}) instead of queued. */
    void startHolding() {
        held = new ArrayList<>();
        heldBytes = 0;
        heldOverflow = false;
    }

    boolean holding() {
        return held != null;
    }

    /**
     * Holds {@code frame} back. What is held counts against the client's queue budget, as it would queued: past it,
     * the held frames are dropped and {@link #stopHolding()} reports the overflow.
     */
    void hold(Frame frame, long offset) {
        if (heldOverflow) {
            return;
        }
        heldBytes += frame.bytes();
        if (heldBytes > queue.budgetBytes()) {
            heldOverflow = true;
            held.clear();
            return;
        }
        held.add(new Held(frame, offset));
    }

    /**
     * The frames held back, in order, and the client is no longer holding; {@code null} when more arrived than
     * its queue may hold (it is then a slow consumer).
     */
    List<Held> stopHolding() {
        List<Held> frames = held;
        held = null;
        return heldOverflow ? null : frames == null ? List.of() : frames;
    }
}
