package dev.herald.endpoint;

import dev.herald.auth.BearerSubprotocol;
import dev.herald.hub.Client;
import dev.herald.hub.Hub;
import dev.herald.protocol.Closure;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * The classic chat at {@code /}: each newcomer is announced to all as {@code Hey all, a new client has
 * joined us}, and each text is broadcast to all as {@code Client(n) said: text}.
 */
@ServerEndpoint(value = "/", subprotocols = BearerSubprotocol.PROTOCOL, configurator = HeraldConfigurator.class)
public class ClassicEndpoint {

    private final Hub hub;
    private Client client;

    public ClassicEndpoint(Hub hub) {
        this.hub = hub;
    }

    /**
     * The public no-argument constructor that the WebSocket specification asks of an annotated endpoint.
     * {@link HeraldConfigurator} creates every instance with the hub itself, but Open Liberty refuses to deploy
     * an endpoint class without this constructor (CWWKH0001E), so it exists and takes the running hub too.
     */
    public ClassicEndpoint() {
        this(RunningHub.get());
    }

    @OnOpen
    public void open(Session session) {
        SessionSetup.applyLimits(session, hub.settings());
        client = hub.openClassic(SessionConnection.opened(session), SessionSetup.verdict(session));
    }

    @OnMessage
    public void text(String text) {
        if (client != null) {
            hub.classicText(client, text);
        }
    }

    @OnMessage
    public void binary(ByteBuffer data) {
        if (client != null) {
            hub.close(client, Closure.BINARY_NOT_SUPPORTED);
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (client != null) {
            hub.pong(client, pong.getApplicationData());
        }
    }

    @OnClose
    public void closed(CloseReason reason) {
        if (client != null) {
            hub.disconnected(client, reason.getCloseCode().getCode());
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        SessionSetup.onError(hub, client, session, error);
    }
}
