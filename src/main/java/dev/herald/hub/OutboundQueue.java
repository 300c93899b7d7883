package dev.herald.hub;

import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connection's bounded outbound queue, with exactly one asynchronous write in flight.
 *
 * <p>Producers {@link #enqueue} under the caller's ordering lock (a room's) and, when told to, call
 * {@link #pump()} after releasing it, so no lock is ever held across a socket write. The budget counts the
 * queued frames plus the one in flight; a frame that would exceed it marks the queue overflowed, and the
 * hub applies the slow-consumer policy.
 */
final class OutboundQueue {

    private static final Logger LOG = Logger.getLogger(OutboundQueue.class.getName());

    /** What {@link #enqueue} asks of the caller. */
    enum Offer {
        /** Queued behind a write in flight; nothing to do. */
        QUEUED,
        /** Queued on an idle queue: the caller must call {@link #pump()} (outside its own locks). */
        START,
        /** Over budget: the frame was refused and the queue is closed; apply the slow-consumer policy. */
        OVERFLOW,
        /** The queue is closed; the frame was dropped. */
        CLOSED
    }

    private final Connection connection;
    private final long budgetBytes;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private long queuedBytes;
    private long highWaterBytes;
    private boolean writing;
    private boolean insideSend;
    private boolean completedInsideSend;
    private boolean closed;
    /** A CLOSE frame is queued: nothing more is accepted, but what is queued is still written. */
    private boolean ending;

    OutboundQueue(Connection connection, long budgetBytes) {
        this.connection = connection;
        this.budgetBytes = budgetBytes;
    }

    synchronized Offer enqueue(Frame frame) {
        if (closed || ending) {
            return Offer.CLOSED;
        }
        if (queuedBytes + frame.bytes() > budgetBytes) {
            close();
            return Offer.OVERFLOW;
        }
        pending.addLast(frame);
        queuedBytes += frame.bytes();
        highWaterBytes = Math.max(highWaterBytes, queuedBytes);
        if (writing) {
            return Offer.QUEUED;
        }
        writing = true;
        return Offer.START;
    }

    /**
     * Queues a close behind the frames already queued, over the budget if need be, and refuses frames after it.
     * The caller must {@link #pump()} on {@link Offer#START}.
     */
    synchronized Offer enqueueClose(Frame close) {
        if (closed || ending) {
            return Offer.CLOSED;
        }
        ending = true;
        pending.addLast(close);
        if (writing) {
            return Offer.QUEUED;
        }
        writing = true;
        return Offer.START;
    }

    /**
     * Writes queued frames one at a time until the queue is empty or a write is pending. A write that
     * completes inside {@code send} (common when the socket buffer has room) continues this loop instead of
     * recursing, so a long queue cannot overflow the stack.
     */
    void pump() {
        while (true) {
            Frame next;
            synchronized (this) {
                next = closed ? null : pending.peekFirst();
                if (next == null) {
                    writing = false;
                    return;
                }
                insideSend = true;
                completedInsideSend = false;
            }
            next.sendTo(connection, this::completed);
            synchronized (this) {
                insideSend = false;
                if (!completedInsideSend) {
                    return; // the callback will continue when the write ends
                }
            }
        }
    }

    private void completed(Throwable failure) {
        synchronized (this) {
            Frame done = pending.pollFirst();
            if (done != null) {
                queuedBytes -= done.bytes();
                if (done.kind() == Frame.Kind.CLOSE) {
                    close();
                }
            }
            if (failure != null) {
                LOG.log(Level.FINE, "write failed; dropping the queue", failure);
                close();
            }
            if (insideSend) {
                completedInsideSend = true;
                return;
            }
        }
        pump();
    }

    /** Refuses further frames and forgets the pending ones; {@code true} if the queue was still open. */
    synchronized boolean close() {
        boolean wasOpen = !closed;
        closed = true;
        pending.clear();
        queuedBytes = 0;
        return wasOpen;
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    synchronized long highWaterBytes() {
        return highWaterBytes;
    }
}
