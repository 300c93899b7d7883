package dev.herald.hub;

import dev.herald.broker.BrokerSink;
import dev.herald.broker.PresenceChange;
import dev.herald.broker.Published;
import dev.herald.delivery.Fanout;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * What the broker delivers, handed to whom it concerns here: the rooms, the classic chat, or (another node's operator
 * questions) the server control.
 */
final class BrokerDeliveries implements BrokerSink {

    private final Rooms rooms;
    private final ClassicChat classic;
    private final ServerControl control;
    /** Starts the writes a fan-out collected (and applies the slow-consumer policy); called with no lock held. */
    private final Consumer<Fanout<Client>> finish;

    BrokerDeliveries(Rooms rooms, ClassicChat classic, ServerControl control, Consumer<Fanout<Client>> finish) {
        this.rooms = rooms;
        this.control = control;
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
    public String answer(String question) {
        return control.answer(question);
    }

    @Override
    public void classic(String text) {
        Fanout<Client> fanout = new Fanout<>();
        classic.deliver(text, fanout);
        finish.accept(fanout);
    }
}
