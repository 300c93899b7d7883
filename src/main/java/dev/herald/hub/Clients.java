package dev.herald.hub;

import dev.herald.admission.RateLimiter;
import dev.herald.config.HeraldSettings;
import dev.herald.config.SlowConsumerPolicy;
import dev.herald.delivery.Connection;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.Frame;
import dev.herald.delivery.OutboundQueue;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Member;
import dev.herald.protocol.Names;
import dev.herald.protocol.Outbound;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node's open connections: numbered 1, 2, 3, … (never reused while the process lives), each made with its
 * outbound queue and rate limiter from the settings, and registered until it has gone.
 */
final class Clients {

    private final HeraldSettings settings;
    private final Delivery delivery;
    private final FrameCodec codec;
    private final String nodeId;
    private final Consumer<Client> writeFailed;
    private final AtomicLong numbers = new AtomicLong();
    private final Set<Client> open = ConcurrentHashMap.newKeySet();
    /** The open clients by their connection's id, for runtime events that name only the connection. */
    private final ConcurrentHashMap<String, Client> byConnection = new ConcurrentHashMap<>();

    /** @param writeFailed what to do with a client whose write failed (its queue has closed itself) */
    Clients(HeraldSettings settings, Delivery delivery, FrameCodec codec, String nodeId, Consumer<Client> writeFailed) {
        this.settings = settings;
        this.writeFailed = writeFailed;
        this.delivery = delivery;
        this.codec = codec;
        this.nodeId = nodeId;
    }

    long nextNumber() {
        return numbers.incrementAndGet();
    }

    /** A client for {@code connection}, not yet registered; {@code room} is {@code null} on the classic endpoint. */
    Client create(long number, Connection connection, Room room, String requestedName) {
        long now = System.nanoTime();
        // Classic clients have no error frame to hear about drops in, so they are always disconnected.
        SlowConsumerPolicy policy = room == null ? SlowConsumerPolicy.DISCONNECT
                : settings.slowConsumerPolicies().forRoom(room.name());
        OutboundQueue queue = delivery.newQueue(connection, settings.queueBytes(), policy,
                dropped -> Frame.text(codec.encode(Outbound.Error.dropped(dropped))));
        Client client = new Client(number, new Member(nodeId + "-" + number, Names.displayName(requestedName, number)),
                connection, connection.remoteAddress(), room, queue,
                new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), settings.rateAbuseSeconds(), now),
                Instant.now(), now);
        queue.onWriteFailure(() -> writeFailed.accept(client));
        return client;
    }

    void register(Client client) {
        open.add(client);
        String id = client.connection().id();
        if (id != null) {
            byConnection.put(id, client);
        }
    }

    /** {@code true} if {@code client} was registered, so that its slot is given back exactly once. */
    boolean unregister(Client client) {
        String id = client.connection().id();
        if (id != null) {
            byConnection.remove(id, client);
        }
        return open.remove(client);
    }

    /** The open client on the connection with this id, or {@code null}. */
    Client byConnectionId(String connectionId) {
        return byConnection.get(connectionId);
    }

    int size() {
        return open.size();
    }

    boolean isEmpty() {
        return open.isEmpty();
    }

    /** Every client open now; iterating it is safe while clients come and go. */
    Iterable<Client> all() {
        return open;
    }

    List<Client> snapshot() {
        return List.copyOf(open);
    }

    /** The highest outbound-queue mark among the open clients. */
    long openHighWater() {
        long highWater = 0;
        for (Client client : open) {
            highWater = Math.max(highWater, client.queue().highWaterBytes());
        }
        return highWater;
    }
}
