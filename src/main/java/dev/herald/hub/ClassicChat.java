package dev.herald.hub;

import dev.herald.broker.Broker;
import dev.herald.delivery.Fanout;
import dev.herald.delivery.Frame;
import java.util.logging.Logger;

/**
 * The seed's chat on the classic endpoint: each newcomer is announced to all, itself included, and each text
 * goes to all as {@code Client(n) said: text}. Both go through the broker, so that on a cluster the classic
 * clients of every node hear them, in one order. Departures are only logged.
 */
final class ClassicChat {

    private static final Logger LOG = Logger.getLogger(ClassicChat.class.getName());
    static final String JOIN = "Hey all, a new client has joined us";

    private final Audience audience = new Audience();
    private final Broker broker;

    ClassicChat(Broker broker) {
        this.broker = broker;
    }

    /** Adds {@code client} first, so that it hears its own announcement. */
    void join(Client client) {
        synchronized (audience) {
            audience.add(client);
        }
        broker.classic(JOIN);
    }

    void say(Client client, String text) {
        broker.classic("Client(" + client.number() + ") said: " + text);
    }

    /** A text from the broker, for every classic client of this node. */
    void deliver(String text, Fanout<Client> fanout) {
        Frame frame = Frame.text(text);
        synchronized (audience) {
            audience.offerToAll(frame, 0, fanout);
        }
    }

    void leave(Client client) {
        synchronized (audience) {
            audience.remove(client);
        }
        LOG.info(() -> "Client(" + client.number() + ") disconnected");
    }
}
