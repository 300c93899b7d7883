package dev.herald.broker;

import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * What the nodes of a deployment share about rooms: each room's order (offsets within an epoch), its history,
 * and the delivery of every published message to every node that has members in the room. The hub talks only
 * to this interface and never knows which broker it has.
 *
 * <p>Delivery is always the same path, whoever published: every message reaches the node's {@link BrokerSink},
 * in offset order per room, once the node {@link #subscribe subscribed} to the room. A message published on
 * this node comes back through the sink like one from another node.
 *
 * <p>Presence is the broker's too: each node keeps its own members, and the broker tells every node of the
 * others' joins and departures, including those of a node that died ({@code node_lost}).
 *
 * <p>Locking contract: {@link #subscribe}, {@link #unsubscribe}, {@link #joined}, {@link #left} and
 * {@link #history} may be called while the caller holds its own room lock, so they must never call the sink
 * synchronously. {@link #publish} and {@link #classic} may call the sink on the caller's thread, so they must be
 * called with no room lock held.
 */
public interface Broker extends AutoCloseable {

    /** Starts delivering to {@code sink}; called once, before anything else. */
    void start(BrokerSink sink);

    /**
     * This node has members in {@code room} now: deliver its messages and the other nodes' presence changes from
     * here on. Subscriptions are counted: each call is matched by one {@link #unsubscribe}.
     *
     * @return the room's epoch and latest offset, and its members on other nodes, when the subscription began
     * @throws BrokerUnavailableException when the broker cannot tell where the room stands
     */
    Subscription subscribe(String room);

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

    /**
     * Relays binary data unchanged to every member of {@code room} on every node, this one included, through the
     * sink's {@link BrokerSink#binary}. It has no offset and is not kept. Completes exceptionally with
     * {@link BrokerUnavailableException} when it could not be relayed.
     */
    CompletionStage<Void> relay(String room, ByteBuffer data);

    /**
     * A member joined {@code room} on this node: the other nodes' members are told. The caller holds its room
     * lock; the broker never calls the sink from here.
     */
    void joined(String room, Member member);

    /** A member of this node left {@code room}: the other nodes' members are told why. */
    void left(String room, Member member, LeaveReason reason);

    /**
     * The number of a new classic client: from {@code nodeNumbers} when the broker serves one node, unique across
     * the cluster otherwise (protocol.md §1, §7).
     *
     * @throws BrokerUnavailableException when a cluster-wide number cannot be had now
     */
    long classicNumber(LongSupplier nodeNumbers);

    /**
     * Sends {@code text} to every classic client of every node, this one included, through the sink's
     * {@link BrokerSink#classic}. While the broker is unavailable the text is dropped (protocol.md §7).
     */
    void classic(String text);

    /**
     * Claims {@code key} across the deployment for {@code ttlMillis}, for a request that must take effect once however
     * often it is retried, on whichever node (the HTTP API's {@code Idempotency-Key}). Completes with empty when this
     * caller has claimed it and should now act, then {@link #settle} it; with the answer an earlier request
     * {@link #settle settled}; or with {@link #PENDING} while an earlier request is still acting. Completes
     * exceptionally with {@link BrokerUnavailableException}.
     */
    CompletionStage<Optional<String>> claim(String key, long ttlMillis);

    /**
     * Records the answer of the request that {@link #claim claimed} {@code key}, for its retries, until {@code ttlMillis}
     * after the claim; with a {@code null} answer (the request failed) the key is released, so that a retry acts.
     */
    void settle(String key, String answer, long ttlMillis);

    /**
     * Asks every other node of the deployment {@code question} (an operator's: list the clients, send to one,
     * disconnect one) and completes with their answers ({@link BrokerSink#answer}), as many as came within the
     * broker's wait; the memory broker has no other node. Completes exceptionally with
     * {@link BrokerUnavailableException}.
     */
    CompletionStage<List<String>> askOthers(String question);

    /** What {@link #claim} completes with while the request that claimed the key is still acting. */
    String PENDING = "\u0000pending";

    /** {@code true} while the broker can serve (the memory broker always can; Redis while reachable). */
    boolean available();

    /** Stops delivering and releases the broker's threads and connections. */
    @Override
    void close();
}
