package dev.herald.hub;

import dev.herald.protocol.Closure;
import dev.herald.protocol.Member;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connected client as the hub tracks it: its number and member identity, its outbound queue and rate
 * limiter, when it was last heard from, and why the hub closed it (if it did).
 */
public final class Client {

    private final long number;
    private final Member member;
    private final Connection connection;
    private final String address;
    private final Room room;
    final OutboundQueue queue;
    final RateLimiter limiter;
    private volatile long lastHeardNanos;
    private final AtomicReference<Closure> closure = new AtomicReference<>();
    private final AtomicBoolean gone = new AtomicBoolean();

    Client(long number, Member member, Connection connection, String address, Room room,
           OutboundQueue queue, RateLimiter limiter, long nowNanos) {
        this.number = number;
        this.member = member;
        this.connection = connection;
        this.address = address;
        this.room = room;
        this.queue = queue;
        this.limiter = limiter;
        this.lastHeardNanos = nowNanos;
    }

    /** The node-local connection number: 1, 2, 3, … */
    public long number() {
        return number;
    }

    public Member member() {
        return member;
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
}
