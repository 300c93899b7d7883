package dev.herald.endpoint;

import dev.herald.auth.BearerSubprotocol;
import dev.herald.hub.Client;
import dev.herald.hub.Hub;
import dev.herald.protocol.Inbound;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.List;

/** A room at {@code /rooms/{room}?name=…}: JSON frames decoded to {@link Inbound}, binary relayed as is. */
@ServerEndpoint(value = "/rooms/{room}", subprotocols = BearerSubprotocol.PROTOCOL, decoders = RoomFrameDecoder.class,
        configurator = HeraldConfigurator.class)
public class RoomEndpoint {

    private final Hub hub;
    private Client client;

    public RoomEndpoint(Hub hub) {
        this.hub = hub;
    }

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        SessionSetup.applyLimits(session, hub.settings());
        List<String> names = session.getRequestParameterMap().get("name");
        String name = names == null || names.isEmpty() ? null : names.get(0);
        client = hub.joinRoom(SessionConnection.opened(session), room, name, SessionSetup.verdict(session));
    }

    @OnMessage
    public void frame(Inbound frame) {
        if (client != null) {
            hub.onFrame(client, frame);
        }
    }

    @OnMessage
    public void binary(ByteBuffer data) {
        if (client != null) {
            hub.relayBinary(client, data);
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (client != null) {
            hub.heard(client);
        }
    }

    @OnClose
    public void closed() {
        if (client != null) {
            hub.disconnected(client);
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        SessionSetup.onError(hub, client, session, error);
    }
}
