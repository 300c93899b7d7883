package dev.herald.endpoint;

import dev.herald.hub.Hub;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.InvocationTargetException;

/**
 * Gives each endpoint instance the running hub, and refuses handshakes from origins the hub's policy does not
 * allow (the runtime answers those with HTTP 403).
 */
public class HeraldConfigurator extends ServerEndpointConfig.Configurator {

    /** While Herald is stopping there is no hub: handshakes are refused rather than failed with a stack trace. */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return RunningHub.find().map(hub -> hub.origins().allows(originHeaderValue)).orElse(false);
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
