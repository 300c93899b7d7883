package dev.herald.hub;

import dev.herald.delivery.Fanout;
import dev.herald.delivery.Frame;
import java.util.logging.Logger;

/**
 * The seed's chat on the classic endpoint: each newcomer is announced to all, itself included, and each text
 * goes to all as {@code Client(n) said: text}. Departures are only logged.
 */
final class ClassicChat {

    private static final Logger LOG = Logger.getLogger(ClassicChat.class.getName());
    static final String JOIN = "Hey all, a new client has joined us";

    private final Audience audience = new Audience();

    void join(Client client, Fanout<Client> fanout) {
        synchronized (audience) {
            audience.add(client);
            audience.offerToAll(Frame.text(JOIN), 0, fanout);
        }
    }

    void say(Client client, String text, Fanout<Client> fanout) {
        Frame frame = Frame.text("Client(" + client.number() + ") said: " + text);
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
