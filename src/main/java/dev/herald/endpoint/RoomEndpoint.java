package dev.herald.endpoint;

import dev.herald.auth.BearerSubprotocol;
import dev.herald.hub.Client;
import dev.herald.hub.Hub;
import dev.herald.hub.Resume;
import dev.herald.protocol.Inbound;
import jakarta.websocket.CloseReason;
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
import java.util.Map;

/**
 * A room at {@code /rooms/{room}?name=…}, resumed with {@code &since=<offset>&epoch=<epoch>}: JSON frames
 * decoded to {@link Inbound}, binary relayed as is.
 */
@ServerEndpoint(value = "/rooms/{room}", subprotocols = BearerSubprotocol.PROTOCOL, decoders = RoomFrameDecoder.class,
        configurator = HeraldConfigurator.class)
public class RoomEndpoint {

    private final Hub hub;
    private Client client;

    public RoomEndpoint(Hub hub) {
        this.hub = hub;
    }

    /**
     * The public no-argument constructor that the WebSocket specification asks of an annotated endpoint.
     * {@link HeraldConfigurator} creates every instance with the hub itself, but Open Liberty refuses to deploy
     * an endpoint class without this constructor (CWWKH0001E), so it exists and takes the running hub too.
     */
    public RoomEndpoint() {
        this(RunningHub.get());
    }

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        SessionSetup.applyLimits(session, hub.settings());
        Map<String, List<String>> query = session.getRequestParameterMap();
        Resume resume = Resume.of(first(query, "since"), first(query, "epoch"));
        client = hub.joinRoom(SessionConnection.opened(session), room, first(query, "name"),
                SessionSetup.verdict(session), resume);
    }

    private static String first(Map<String, List<String>> query, String parameter) {
        List<String> values = query.get(parameter);
        return values == null || values.isEmpty() ? null : values.get(0);
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
