package dev.herald.broker;

import java.util.concurrent.CompletionStage;

/**
 * What the nodes of a deployment share about rooms: each room's order (offsets within an epoch), its history,
 * and the delivery of every published message to every node that has members in the room. The hub talks only
 * to this interface and never knows which broker it has.
 *
 * <p>Delivery is always the same path, whoever published: every message reaches the node's {@link BrokerSink},
 * in offset order per room, once the node {@link #subscribe subscribed} to the room. A message published on
 * this node comes back through the sink like one from another node.
 *
 * <p>Locking contract: {@link #subscribe}, {@link #unsubscribe} and {@link #history} may be called while the
 * caller holds its own room lock, so they must never call the sink synchronously. {@link #publish} may call
 * the sink on the caller's thread, so it must be called with no room lock held.
 */
public interface Broker extends AutoCloseable {

    /** Starts delivering to {@code sink}; called once, before anything else. */
    void start(BrokerSink sink);

    /**
     * This node has members in {@code room} now: deliver its messages from here on. Subscriptions are counted:
     * each call is matched by one {@link #unsubscribe}.
     *
     * @return the room's epoch and latest offset at the moment the subscription began
     */
    RoomState subscribe(String room);

    /** This node has no members in {@code room} any more. The room's history is still kept for its time. */
    void unsubscribe(String room);

    /**
     * Allocates the room's next offset, keeps the message in history and delivers it to every subscribed node.
     * Completes with the offset and epoch once the message is in order; completes exceptionally with
     * {@link BrokerUnavailableException} when it could not be published (then nothing was delivered).
     */
    CompletionStage<RoomState> publish(String room, Draft draft);

    /**
     * The messages of {@code room} after offset {@code since}, oldest first, at most {@code limit} of them, in the
     * current epoch, with the room's epoch and latest offset at the moment of reading.
     */
    CompletionStage<History> history(String room, long since, int limit);

    /** Stops delivering and releases the broker's threads and connections. */
    @Override
    void close();
}
