package dev.herald.hub;

import dev.herald.broker.Broker;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.Draft;
import dev.herald.broker.History;
import dev.herald.broker.PresenceChange;
import dev.herald.broker.Published;
import dev.herald.broker.RoomState;
import dev.herald.delivery.Fanout;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.LeaveReason;
import java.nio.ByteBuffer;
import dev.herald.protocol.Member;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The rooms this node has members in: joins (with resume), leaves, publishing through the broker, and the
 * broker's deliveries (messages, and other nodes' presence changes) to the local members. Every message reaches the members the same way, from the broker,
 * whichever node published it.
 */
final class Rooms {

    private static final Logger LOG = Logger.getLogger(Rooms.class.getName());
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final Broker broker;
    private final FrameCodec codec;
    private final int heartbeatSeconds;
    private final int recoveryMax;
    private final Activity activity;
    /** Starts the writes a fan-out collected (and applies the slow-consumer policy); called with no lock held. */
    private final Consumer<Fanout<Client>> finish;

    Rooms(Broker broker, FrameCodec codec, int heartbeatSeconds, int recoveryMax, Activity activity,
          Consumer<Fanout<Client>> finish) {
        this.activity = activity;
        this.broker = broker;
        this.codec = codec;
        this.heartbeatSeconds = heartbeatSeconds;
        this.recoveryMax = recoveryMax;
        this.finish = finish;
    }

    /**
     * Makes a client for room {@code name} with {@code newClient} and joins it: welcomed at once, or, with a
     * {@code resume}, once its missed messages are known.
     *
     * @throws BrokerUnavailableException when the broker cannot say where the room stands; nothing changed
     */
    Client join(String name, Function<Room, Client> newClient, Resume resume) {
        while (true) {
            Room room = rooms.computeIfAbsent(name, key -> new Room(key, codec));
            Client client = newClient.apply(room);
            Fanout<Client> fanout = new Fanout<>();
            Room.Position at;
            try {
                at = room.join(client, broker, heartbeatSeconds, resume != null, fanout);
            } catch (BrokerUnavailableException e) {
                if (room.abandonIfUnstarted()) {
                    rooms.remove(name, room);
                }
                throw e;
            }
            if (at == null) {
                continue; // the room emptied and closed between the lookup and the join: try again with a new one
            }
            finish.accept(fanout);
            if (resume != null) {
                resume(room, client, at, resume);
            }
            return client;
        }
    }

    private void resume(Room room, Client client, Room.Position at, Resume resume) {
        if (!resume.wellFormed()) {
            finishResume(room, client, at, resume.since(), false, null);
            return;
        }
        // With another epoch than the room's here, nothing can be recovered; the read still says which epoch the
        // broker is at, in case this node's room has not heard yet that its history was lost.
        boolean sameEpoch = resume.epoch().equals(at.epoch());
        long since = sameEpoch ? resume.since() : at.offset();
        int limit = sameEpoch ? recoveryMax + 1 : 1;
        broker.history(room.name(), since, limit).whenComplete((history, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "cannot read the history of room " + room.name() + " for a resume", failure);
            }
            finishResume(room, client, at, resume.since(), sameEpoch, failure == null ? history : null);
        });
    }

    private void finishResume(Room room, Client client, Room.Position at, long since, boolean sameEpoch,
                              History history) {
        Fanout<Client> fanout = new Fanout<>();
        Boolean recovered = room.finishResume(client, at, since, sameEpoch, history, recoveryMax, heartbeatSeconds,
                fanout);
        finish.accept(fanout);
        if (recovered != null) {
            activity.resumed(recovered);
        }
    }

    /** Hands a member's message to the broker, which gives it its offset and delivers it back here. */
    CompletionStage<RoomState> publish(Client from, String text, String key, Instant now) {
        return broker.publish(from.room().name(), new Draft(from.member(), text, TIMESTAMP.format(now), key));
    }

    /** A message from the broker, to the members here. */
    void deliver(Published published) {
        Room room = rooms.get(published.room());
        if (room == null) {
            return; // no members here (any more)
        }
        Fanout<Client> fanout = new Fanout<>();
        room.deliver(published, fanout);
        finish.accept(fanout);
    }

    /** A member joined or left {@code roomName} on another node: the members here are told. */
    void presence(String roomName, PresenceChange change) {
        Room room = rooms.get(roomName);
        if (room == null) {
            return;
        }
        Fanout<Client> fanout = new Fanout<>();
        room.presence(change, fanout);
        finish.accept(fanout);
    }

    /** Relays binary data through the broker to the client's room, the sender included; it is not kept. */
    CompletionStage<Void> relay(Client client, ByteBuffer data) {
        return broker.relay(client.room().name(), data);
    }

    /** Binary data from the broker, to the members of {@code roomName} here. */
    void binary(String roomName, ByteBuffer data) {
        Room room = rooms.get(roomName);
        if (room == null) {
            return;
        }
        Fanout<Client> fanout = new Fanout<>();
        room.relay(data, fanout);
        finish.accept(fanout);
    }

    /** Removes {@code client} from its room and tells the others why; an emptied room is forgotten here. */
    void leave(Client client, LeaveReason reason) {
        Room room = client.room();
        Fanout<Client> fanout = new Fanout<>();
        if (room.leave(client, reason, broker, fanout) && rooms.remove(room.name(), room)) {
            broker.unsubscribe(room.name());
        }
        finish.accept(fanout);
    }

    /** The rooms with members on this node, as an operator sees them. */
    List<RoomInfo> infos() {
        List<RoomInfo> infos = new ArrayList<>();
        for (Room room : rooms.values()) {
            RoomState at = room.position();
            infos.add(new RoomInfo(room.name(), room.members().size(), at.offset(), at.epoch()));
        }
        return infos;
    }

    /** The members of {@code roomName} on every node, or empty when it has none on this node. */
    Optional<List<Member>> members(String roomName) {
        Room room = rooms.get(roomName);
        return room == null ? Optional.empty() : Optional.of(room.members());
    }

    /** Rooms with members on this node. */
    int count() {
        return rooms.size();
    }
}
