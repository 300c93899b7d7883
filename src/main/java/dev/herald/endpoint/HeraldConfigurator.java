package dev.herald.endpoint;

import dev.herald.auth.Verdict;
import dev.herald.hub.Hub;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.InvocationTargetException;

/**
 * Gives each endpoint instance the running hub, refuses handshakes from origins the hub's policy does not
 * allow (the runtime answers those with HTTP 403), and authenticates handshakes when authentication is on.
 */
public class HeraldConfigurator extends ServerEndpointConfig.Configurator {

    /** While Herald is stopping there is no hub: handshakes are refused rather than failed with a stack trace. */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return RunningHub.find().map(hub -> hub.origins().allows(originHeaderValue)).orElse(false);
    }

    /**
     * Notes the peer's address where only the handshake can tell it (see {@link RemoteAddresses}), and
     * authenticates the handshake when authentication is on. The verdict reaches the endpoint through the user
     * properties, which WebSocket 2.1 copies per connection and hands to the session; the token itself is
     * neither stored nor logged.
     */
    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(config, request, response);
        RemoteAddresses.atHandshake(request, config.getUserProperties());
        RunningHub.find()
                .map(hub -> hub.authenticate(request.getHeaders()))
                .ifPresent(verdict -> config.getUserProperties().put(Verdict.USER_PROPERTY, verdict));
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return endpointClass.getConstructor(Hub.class).newInstance(RunningHub.get());
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            InstantiationException failure = new InstantiationException(
                    endpointClass.getName() + " needs a public constructor taking the Hub");
            failure.initCause(e);
            throw failure;
        }
    }
}
