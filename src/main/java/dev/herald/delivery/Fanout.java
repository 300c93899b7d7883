package dev.herald.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects the effects of offering one or more frames under an ordering lock, so that the writes and the
 * slow-consumer closes run after the lock is released ({@link Delivery#finish}).
 *
 * @param <R> the recipients, so that an overflowed one is reported as what the caller knows it as
 */
public final class Fanout<R extends Recipient> {

    private final ArrayList<OutboundQueue> toStart = new ArrayList<>();
    private final List<R> overflowed = new ArrayList<>(0);

    /** Makes room for {@code recipients} more queues to start, in one step rather than growing as they come. */
    public void expect(int recipients) {
        toStart.ensureCapacity(toStart.size() + recipients);
    }

    /** Queues {@code frame} for {@code recipient}; call under the lock that orders the frames. */
    public void offer(R recipient, Frame frame) {
        switch (recipient.queue().enqueue(frame)) {
            case START -> toStart.add(recipient.queue());
            case OVERFLOW -> overflowed.add(recipient);
            case QUEUED, CLOSED -> { }
        }
    }

    /**
     * Reports {@code recipient} as over its budget for a reason other than its queue (frames held for it while it
     * resumed): the slow-consumer policy applies to it as to an overflowed queue.
     */
    public void overflowed(R recipient) {
        overflowed.add(recipient);
    }

    /** Queues a close behind the recipient's pending frames; {@code false} if its queue is already closed. */
    public boolean offerClose(R recipient, Frame close) {
        OutboundQueue.Offer offer = recipient.queue().enqueueClose(close);
        if (offer == OutboundQueue.Offer.START) {
            toStart.add(recipient.queue());
        }
        return offer != OutboundQueue.Offer.CLOSED;
    }

    /** Starts idle queues, through {@code writers}, and reports overflowed recipients; call with no lock held. */
    void finish(Writers writers, Consumer<R> slowConsumer) {
        if (!toStart.isEmpty()) {
            writers.start(toStart);
        }
        for (R recipient : overflowed) {
            slowConsumer.accept(recipient);
        }
    }
}
