package dev.herald.hub;

import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Inbound;
import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One room: its members and its message offsets (1, 2, 3, … in the order every member receives them).
 * A room lives while it has members; once it empties it is closed and a later join starts a new one.
 */
final class Room extends Audience {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String name;
    private final FrameCodec codec;
    private long offset;
    private boolean closed;

    Room(String name, FrameCodec codec) {
        this.name = name;
        this.codec = codec;
    }

    String name() {
        return name;
    }

    /** Welcomes {@code client} and announces it; {@code false} if this room has closed meanwhile. */
    synchronized boolean join(Client client, int heartbeatSeconds, Fanout fanout) {
        if (closed) {
            return false;
        }
        add(client);
        List<Member> members = members();
        fanout.offer(client, encode(new Outbound.Welcome(name, client.member(), members, offset, heartbeatSeconds)));
        offerToOthers(client, encode(new Outbound.Joined(name, client.member(), members.size())), fanout);
        return true;
    }

    /**
     * Removes {@code client} and tells the others why; {@code true} if the room is now empty and closed,
     * so the caller can forget it.
     */
    synchronized boolean leave(Client client, LeaveReason reason, Fanout fanout) {
        if (!remove(client)) {
            return false;
        }
        offerToAll(encode(new Outbound.Left(name, client.member(), reason.wireName(), size())), fanout);
        closed = size() == 0;
        return closed;
    }

    /** Broadcasts a message from {@code from}, encoded once; acknowledges {@code ref} when given. */
    synchronized void publish(Client from, Inbound.Publish publish, Instant now, Fanout fanout) {
        offset++;
        String ref = publish.ref();
        Outbound.Message message = new Outbound.Message(name, offset, from.member(), publish.text(),
                TIMESTAMP.format(now), publish.key());
        offerToAll(Frame.keyed(codec.encode(message), publish.key()), fanout);
        if (ref != null) {
            fanout.offer(from, encode(new Outbound.Ack(ref, offset)));
        }
    }

    /** Relays binary data unchanged to every member, the sender included. */
    synchronized void relay(ByteBuffer data, Fanout fanout) {
        offerToAll(Frame.binary(data), fanout);
    }

    synchronized List<Member> members() {
        return snapshot().stream().map(Client::member).toList();
    }

    private Frame encode(Outbound frame) {
        return Frame.text(codec.encode(frame));
    }
}
