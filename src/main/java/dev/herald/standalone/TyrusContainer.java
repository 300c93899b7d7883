package dev.herald.standalone;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus server container without a transport of its own: {@link StandaloneServer} attaches it to a Grizzly
 * listener it configures itself, because Tyrus's stock {@code Server} always binds 0.0.0.0 and has no TLS.
 */
final class TyrusContainer extends TyrusServerContainer {

    private final TyrusWebSocketEngine engine;
    private final String contextPath;

    TyrusContainer(Set<Class<?>> endpoints, String contextPath, int incomingBufferSize) {
        super(endpoints);
        this.contextPath = contextPath;
        // PingWatch tells the hub of every ping a client sends, which the WebSocket API does not.
        this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize)
                .applicationEventListener(new PingWatch()).build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, contextPath);
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }
}
