package dev.herald.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the effects of offering one or more frames under an ordering lock, so that the writes and the
 * slow-consumer closes run after the lock is released.
 */
final class Fanout {

    private final ArrayList<OutboundQueue> toStart = new ArrayList<>();
    private final List<Client> overflowed = new ArrayList<>(0);

    /** Makes room for {@code recipients} more queues to start, in one step rather than growing as they come. */
    void expect(int recipients) {
        toStart.ensureCapacity(toStart.size() + recipients);
    }

    /** Queues {@code frame} for {@code client}; call under the lock that orders the frames. */
    void offer(Client client, Frame frame) {
        switch (client.queue.enqueue(frame)) {
            case START -> toStart.add(client.queue);
            case OVERFLOW -> overflowed.add(client);
            case QUEUED, CLOSED -> { }
        }
    }

    /** Queues a close for {@code client} behind its pending frames; {@code false} if its queue is already closed. */
    boolean offerClose(Client client, Frame close) {
        OutboundQueue.Offer offer = client.queue.enqueueClose(close);
        if (offer == OutboundQueue.Offer.START) {
            toStart.add(client.queue);
        }
        return offer != OutboundQueue.Offer.CLOSED;
    }

    /** Starts idle queues, through {@code writers}, and reports overflowed clients; call with no lock held. */
    void finish(Writers writers, SlowConsumerPolicy policy) {
        if (!toStart.isEmpty()) {
            writers.start(toStart);
        }
        for (Client client : overflowed) {
            policy.overflowed(client);
        }
    }

    /** What to do with a client whose queue went over its budget. */
    @FunctionalInterface
    interface SlowConsumerPolicy {
        void overflowed(Client client);
    }
}
