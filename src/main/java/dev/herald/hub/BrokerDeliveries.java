package dev.herald.hub;

import dev.herald.broker.BrokerSink;
import dev.herald.broker.PresenceChange;
import dev.herald.broker.Published;
import dev.herald.delivery.Fanout;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** What the broker delivers, handed to whom it concerns here: the rooms, or the classic chat. */
final class BrokerDeliveries implements BrokerSink {

    private final Rooms rooms;
    private final ClassicChat classic;
    /** Starts the writes a fan-out collected (and applies the slow-consumer policy); called with no lock held. */
    private final Consumer<Fanout<Client>> finish;

    BrokerDeliveries(Rooms rooms, ClassicChat classic, Consumer<Fanout<Client>> finish) {
        this.rooms = rooms;
        this.classic = classic;
        this.finish = finish;
    }

    @Override
    public void deliver(Published message) {
        rooms.deliver(message);
    }

    @Override
    public void presence(String room, PresenceChange change) {
        rooms.presence(room, change);
    }

    @Override
    public void binary(String room, ByteBuffer data) {
        rooms.binary(room, data);
    }

    @Override
    public void classic(String text) {
        Fanout<Client> fanout = new Fanout<>();
        classic.deliver(text, fanout);
        finish.accept(fanout);
    }
}
