package dev.herald.delivery;

import dev.herald.config.SlowConsumerPolicy;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connection's bounded outbound queue, with exactly one asynchronous write in flight.
 *
 * <p>Producers {@link #enqueue} under the caller's ordering lock (a room's) and, when told to, call
 * {@link #pump()} after releasing it, so no lock is ever held across a socket write. The budget counts the
 * queued frames plus the one in flight. What happens when a frame would exceed it is the queue's
 * {@link SlowConsumerPolicy}: {@code DISCONNECT} refuses it ({@link Offer#OVERFLOW}: the hub closes with 4000);
 * {@code DROP_OLDEST} drops the oldest queued messages to make room; {@code CONFLATE} first replaces a queued
 * message with the same key, then drops the oldest. Only {@linkplain Frame#droppable() droppable} frames (room
 * messages, relayed binary) are ever dropped; a protocol frame that cannot fit even then overflows. Dropped frames
 * are reported to the client by the frame {@code dropReport} makes, sent before the next frame.
 *
 * <p>On a connection that writes pre-framed bytes, the text and binary frames waiting at the head go out
 * together, up to {@link #BATCH_BYTES}, as one write: a client that fell a few frames behind costs one system
 * call to catch up, not one per frame. That one write is still the only one in flight. A connection that
 * {@linkplain Connection#writesBatches() writes batches} gets the same frames in one call, and writes them as it
 * can (WildFly: one gathering write).
 */
public final class OutboundQueue {

    private static final Logger LOG = Logger.getLogger(OutboundQueue.class.getName());
    /**
     * The most bytes one batched write gathers (one frame larger than this goes alone, uncopied). 64 KiB is
     * the size of a loopback or LAN socket's typical send window, so a batch rarely waits on a second round.
     */
    static final int BATCH_BYTES = 64 * 1024;

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
    private final SlowConsumerPolicy policy;
    private final LongFunction<Frame> dropReport;
    private final Counters counters;
    private final BatchScratch scratch;
    /** Frames dropped since the last report reached the queue. */
    private long unreportedDrops;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private long queuedBytes;
    private long highWaterBytes;
    private boolean writing;
    /** How many frames at the head of {@code pending} the write in flight carries. */
    private int inFlight;
    private boolean insideSend;
    private boolean completedInsideSend;
    private boolean closed;
    /** A CLOSE frame is queued: nothing more is accepted, but what is queued is still written. */
    private boolean ending;
    private volatile Runnable onWriteFailure;

    /** A {@code DISCONNECT} queue with private counters. */
    OutboundQueue(Connection connection, long budgetBytes) {
        this(connection, budgetBytes, SlowConsumerPolicy.DISCONNECT, null, new Counters());
    }

    /**
     * @param dropReport makes the frame that tells the client how many frames were dropped; required unless
     *                   {@code policy} is {@code DISCONNECT}
     */
    OutboundQueue(Connection connection, long budgetBytes, SlowConsumerPolicy policy, LongFunction<Frame> dropReport,
                  Counters counters) {
        this(connection, budgetBytes, policy, dropReport, counters, new BatchScratch());
    }

    /** As above, with the hub's shared {@code scratch} memory for batched writes. */
    OutboundQueue(Connection connection, long budgetBytes, SlowConsumerPolicy policy, LongFunction<Frame> dropReport,
                  Counters counters, BatchScratch scratch) {
        if (policy != SlowConsumerPolicy.DISCONNECT && dropReport == null) {
            throw new IllegalArgumentException(policy + " needs a drop report");
        }
        this.connection = connection;
        this.budgetBytes = budgetBytes;
        this.policy = policy;
        this.dropReport = dropReport;
        this.counters = counters;
        this.scratch = scratch;
    }

    synchronized Offer enqueue(Frame frame) {
        if (closed || ending) {
            return Offer.CLOSED;
        }
        if (policy == SlowConsumerPolicy.CONFLATE && frame.key() != null) {
            dropWhere(queued -> queued.droppable() && frame.key().equals(queued.key()));
        }
        if (queuedBytes + frame.bytes() > budgetBytes) {
            if (policy == SlowConsumerPolicy.DISCONNECT) {
                close();
                return Offer.OVERFLOW;
            }
            makeRoomFor(frame);
            if (queuedBytes + frame.bytes() > budgetBytes) {
                if (!frame.droppable()) {
                    // A protocol frame that does not fit even with every message gone: this client is past saving.
                    close();
                    return Offer.OVERFLOW;
                }
                drop(1); // larger than all the room there is: the new frame is the one dropped
                return writing ? Offer.QUEUED : start();
            }
        }
        pending.addLast(frame);
        queuedBytes += frame.bytes();
        // Kept here, and handed to the shared counters only when the queue closes (Hub.counters() reads the
        // open queues): a shared update on every frame, from every writer, was the engine's hottest spot.
        highWaterBytes = Math.max(highWaterBytes, queuedBytes);
        return writing ? Offer.QUEUED : start();
    }

    private Offer start() {
        writing = true;
        return Offer.START;
    }

    /**
     * Drops the oldest droppable frames (messages) not yet being written until {@code frame} fits or none is left.
     */
    private void makeRoomFor(Frame frame) {
        Iterator<Frame> frames = notInFlight();
        while (queuedBytes + frame.bytes() > budgetBytes && frames.hasNext()) {
            Frame queued = frames.next();
            if (queued.droppable()) {
                queuedBytes -= queued.bytes();
                frames.remove();
                drop(1);
            }
        }
    }

    /** Drops the queued frames, not yet being written, that {@code condition} selects. */
    private void dropWhere(Predicate<Frame> condition) {
        Iterator<Frame> frames = notInFlight();
        while (frames.hasNext()) {
            Frame queued = frames.next();
            if (condition.test(queued)) {
                queuedBytes -= queued.bytes();
                frames.remove();
                drop(1);
            }
        }
    }

    /** An iterator over {@code pending} that has passed the frames being written. */
    private Iterator<Frame> notInFlight() {
        Iterator<Frame> frames = pending.iterator();
        for (int i = 0; i < inFlight && frames.hasNext(); i++) {
            frames.next();
        }
        return frames;
    }

    private void drop(long frames) {
        unreportedDrops += frames;
        counters.dropped(frames);
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
     * Writes queued frames, one write at a time, until the queue is empty or a write is pending. A write that
     * completes inside {@code send} (common when the socket buffer has room) continues this loop instead of
     * recursing, so a long queue cannot overflow the stack.
     */
    void pump() {
        boolean wire = connection.writesWireFrames();
        boolean batches = !wire && connection.writesBatches();
        while (true) {
            Frame next;
            List<Frame> batch = null;
            ByteBuffer lent = null;
            synchronized (this) {
                if (unreportedDrops > 0 && !closed) {
                    // Also when a close is queued (a drain): the report goes before it, with the frames it explains.
                    // No write is in flight here, so the report can go first: the client learns of the gap
                    // before the frames that follow it.
                    Frame report = dropReport.apply(unreportedDrops);
                    unreportedDrops = 0;
                    pending.addFirst(report);
                    queuedBytes += report.bytes();
                }
                next = closed ? null : pending.peekFirst();
                if (next == null) {
                    writing = false;
                    return;
                }
                if ((wire || batches) && next.isData()) {
                    batch = headBatch(connection.maxBatchFrames());
                    inFlight = batch.size();
                } else {
                    inFlight = 1;
                }
                insideSend = true;
                completedInsideSend = false;
            }
            try {
                if (batch == null && wire && next.hasWireForm()) {
                    // A ping, pre-framed but alone, once the write before it has ended: a client that stopped
                    // reading finds no ping among the frames already on their way, which it would answer after
                    // its slow-consumer close and so turn that close into a TCP reset.
                    connection.sendWire(next.wire().duplicate(), this::completed);
                } else if (batch == null) {
                    next.sendTo(connection, this::completed);
                } else if (batches) {
                    // A copy: the callback may run on this thread before sendBatch returns, and what it does
                    // (a failed write closes the client and tells its room) can gather another queue's batch
                    // in this thread's list.
                    List<Frame> frames = List.copyOf(batch);
                    batch.clear();
                    connection.sendBatch(frames, this::completed);
                } else {
                    // The frames in flight stay at the head, where no producer drops them, and the list is
                    // this thread's own, so the copy needs no lock. The list is emptied before the send, which
                    // is where this thread could next need it.
                    if (batch.size() > 1) {
                        lent = concatenate(batch, scratch.take());
                    }
                    batch.clear();
                    connection.sendWire(lent != null ? lent : next.wire().duplicate(), this::completed);
                }
            } catch (RuntimeException | Error e) {
                // A connection must report failures through the callback; one that throws instead must not
                // leave this queue "writing" forever, nor fail the broadcast of whoever called pump(). Error is
                // caught too because Tyrus wraps a text it cannot encode in java.lang.Error. A VirtualMachineError
                // (out of memory) is rethrown, but only after the queue has been closed as failed.
                LOG.log(Level.WARNING, "a send threw instead of reporting its failure", e);
                completed(e);
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
            }
            synchronized (this) {
                insideSend = false;
                if (!completedInsideSend) {
                    return; // the callback will continue when the write ends; the lent buffer goes with it
                }
            }
            if (lent != null) {
                scratch.giveBack(lent);
            }
        }
    }

    /**
     * The text and binary frames at the head that one write can carry: at least one, then up to the batch size and
     * {@code maxFrames}.
     */
    private List<Frame> headBatch(int maxFrames) {
        List<Frame> batch = scratch.frames();
        long size = 0;
        for (Frame frame : pending) {
            int length = frame.isData() ? frame.wire().remaining() : -1;
            if (length < 0 || (!batch.isEmpty() && (size + length > BATCH_BYTES || batch.size() == maxFrames))) {
                break;
            }
            batch.add(frame);
            size += length;
        }
        return batch;
    }

    /** The frames' wire bytes copied back to back into {@code into}, which {@link #headBatch()} sized them for. */
    private static ByteBuffer concatenate(List<Frame> batch, ByteBuffer into) {
        for (Frame frame : batch) {
            into.put(frame.wire().duplicate());
        }
        return into.flip();
    }

    private void completed(Throwable failure) {
        boolean failedNow = false;
        boolean continueHere;
        synchronized (this) {
            long deliveredFrames = 0;
            long deliveredBytes = 0;
            long oldestMade = 0;
            for (int i = 0; i < inFlight; i++) {
                Frame done = pending.pollFirst();
                if (done == null) {
                    break;
                }
                queuedBytes -= done.bytes();
                // Frames in flight when the queue closed were kept for this moment: written is written.
                if (failure == null && (done.kind() == Frame.Kind.TEXT || done.kind() == Frame.Kind.BINARY)) {
                    deliveredFrames++;
                    deliveredBytes += done.bytes();
                    if (oldestMade == 0) {
                        oldestMade = done.madeNanos();
                    }
                }
                if (done.kind() == Frame.Kind.CLOSE) {
                    close();
                }
            }
            if (deliveredFrames > 0) {
                counters.delivered(deliveredFrames, deliveredBytes);
            }
            if (oldestMade != 0) {
                // One observation per write: how long its oldest message waited from its fan-out to the socket.
                counters.latency().observe(System.nanoTime() - oldestMade);
            }
            inFlight = 0;
            if (failure != null) {
                LOG.log(Level.FINE, "write failed; dropping the queue", failure);
                failedNow = close();
            }
            // A write that completed inside send() is continued by the pump loop that called send().
            continueHere = !insideSend;
            if (insideSend) {
                completedInsideSend = true;
            }
        }
        if (failedNow && onWriteFailure != null) {
            onWriteFailure.run(); // outside the lock: the owner closes the connection and tells its room
        }
        if (continueHere) {
            pump();
        }
    }

    /**
     * Refuses further frames and forgets the pending ones, but for those being written, which are counted when
     * their write ends; {@code true} if the queue was still open.
     */
    public synchronized boolean close() {
        boolean wasOpen = !closed;
        if (wasOpen) {
            counters.queued(highWaterBytes);
        }
        closed = true;
        while (pending.size() > inFlight) {
            queuedBytes -= pending.removeLast().bytes();
        }
        return wasOpen;
    }

    /**
     * What to do when a write fails (the queue has closed itself): set once, before the first frame, by the
     * queue's owner, which closes the connection so that its room hears of it at once rather than at the idle
     * timeout.
     */
    public void onWriteFailure(Runnable action) {
        this.onWriteFailure = action;
    }

    /** How many bytes of frames this queue may hold: its {@code queue-bytes}. */
    public long budgetBytes() {
        return budgetBytes;
    }

    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    public synchronized long highWaterBytes() {
        return highWaterBytes;
    }
}
