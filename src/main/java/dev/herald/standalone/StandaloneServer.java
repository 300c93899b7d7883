package dev.herald.standalone;

import dev.herald.config.HeraldSettings;
import dev.herald.endpoint.ClassicEndpoint;
import dev.herald.endpoint.RoomEndpoint;
import dev.herald.api.ApiKey;
import dev.herald.api.ApiServlet;
import dev.herald.api.OperationsServlet;
import dev.herald.hub.ServerControl;
import dev.herald.endpoint.RunningHub;
import dev.herald.hub.Hub;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.servlet.WebappContext;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.spi.ServerContainer;

/**
 * Herald outside a container: the hub, Tyrus, and a Grizzly listener bound to the configured address
 * (127.0.0.1 by default), speaking wss when a keystore is configured. The same listener serves the browser page.
 */
public final class StandaloneServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StandaloneServer.class.getName());
    private static final String CONTEXT_PATH = "/";
    /** Frames up to this size reach the session, which closes over-limit messages with 1009 (Tyrus closes
     * frames over its transport buffer with 1011, so the transport buffer must exceed the message limit). */
    private static final int TRANSPORT_HEADROOM = 4 * 1024 * 1024;

    private final Hub hub;
    private final HttpServer http;
    private final TyrusContainer container;
    private final HeraldSettings settings;
    private final int port;
    private final OpenConnections connections;
    private final AtomicBoolean closing = new AtomicBoolean();

    private StandaloneServer(Hub hub, HttpServer http, TyrusContainer container, HeraldSettings settings, int port,
                             OpenConnections connections) {
        this.hub = hub;
        this.connections = connections;
        this.http = http;
        this.container = container;
        this.settings = settings;
        this.port = port;
    }

    /** Starts the hub and the listener; fails fast (and cleans up) when the port or keystore is unusable. */
    public static StandaloneServer start(HeraldSettings configured) throws IOException {
        return start(configured, UpgradedReads.TYRUS_CONNECTION);
    }

    /** As {@link #start(HeraldSettings)}; {@code upgradedMark} is what {@link UpgradedReads} looks for (tests). */
    static StandaloneServer start(HeraldSettings configured, String upgradedMark) throws IOException {
        ServerClasses.load();
        // Connections stay below the open-files limit: max-connections is capped to what it leaves (with a warning),
        // and the listener closes what comes beyond a ceiling for handshakes at once (OpenConnections).
        Optional<DescriptorCeiling> ceiling = DescriptorCeiling.ofThisProcess();
        HeraldSettings settings = ceiling.map(limit -> limit.fit(configured)).orElse(configured);
        // Fan-outs are written by the hub's writer threads, beside the Grizzly workers that read (see Writers).
        Hub hub = Hub.start(settings, settings.writerThreads());
        RunningHub.install(hub, settings.rawFrames());
        HttpServer http = new HttpServer();
        try {
            NetworkListener listener = new NetworkListener("herald", settings.host(), settings.port());
            if (settings.tls()) {
                listener.setSecure(true);
                listener.setSSLEngineConfig(Tls.serverConfigurator(settings));
            }
            listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
            OpenConnections connections = new OpenConnections(settings.handshakeSeconds(),
                    ceiling.map(DescriptorCeiling::tcpConnections).orElse(Long.MAX_VALUE));
            listener.getTransport().getConnectionMonitoringConfig().addProbes(connections);
            // WebSocket connections live as long as the hub's heartbeat allows; HTTP keep-alive must not cut them.
            listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
            http.addListener(listener);
            // The browser page at /: plain GETs land here, WebSocket upgrades of / go to the classic endpoint.
            http.getServerConfiguration().addHttpHandler(new WebPage(), CONTEXT_PATH);
            Optional<ApiKey> apiKey = ApiKey.configured(settings, System.getenv(ApiKey.VARIABLE));
            if (settings.metrics() || apiKey.isPresent()) {
                // /metrics, /health/* and /api: the servlets a WAR registers, on Grizzly's servlet support, same port.
                WebappContext servlets = new WebappContext("herald-http", "");
                if (settings.metrics()) {
                    servlets.addServlet("herald-operations", new OperationsServlet())
                            .addMapping(OperationsServlet.MAPPINGS);
                }
                apiKey.ifPresent(key -> servlets.addServlet("herald-api", new ApiServlet(key))
                        .addMapping(ApiServlet.MAPPING));
                servlets.deploy(http);
            }
            TyrusContainer container = new TyrusContainer(Set.of(ClassicEndpoint.class, RoomEndpoint.class),
                    CONTEXT_PATH, settings.maxMessageBytes() + TRANSPORT_HEADROOM);
            listener.registerAddOn(webSocketAddOn(container));
            // In front of the upgrade and the handlers: a malformed path or handshake gets 400 at once.
            listener.registerAddOn(RequestGuard.addOn());
            // In front of the HTTP codec: an upgraded connection's bytes go straight to Tyrus, its HTTP state is freed.
            listener.registerAddOn(UpgradedReads.addOn(upgradedMark));
            http.start();
            // The page's own origin, now that the port is known (port 0 picks one): scheme, host and port.
            hub.origins().serving(settings.tls() ? "https" : "http", listener.getPort());
            container.start(CONTEXT_PATH, listener.getPort());
            StandaloneServer server = new StandaloneServer(hub, http, container, settings, listener.getPort(), connections);
            hub.control().onShutdown(server::close);
            LOG.info(() -> "Herald listening on " + server.uri());
            return server;
        } catch (IOException | GeneralSecurityException | DeploymentException | RuntimeException e) {
            http.shutdownNow();
            RunningHub.uninstall(hub);
            hub.close();
            throw e instanceof IOException io ? io : new IOException("Herald could not start: " + e.getMessage(), e);
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return port;
    }

    /** The WebSocket base URI, e.g. {@code ws://127.0.0.1:9001/}. */
    public String uri() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return (settings.tls() ? "wss" : "ws") + "://" + host + ":" + port + "/";
    }

    public Hub hub() {
        return hub;
    }

    /** The server API: send, publish, list, admission, disconnect, shut down, and listeners. */
    public ServerControl control() {
        return hub.control();
    }

    /**
     * Drains (or, with {@code drain-seconds} 0, closes every connection with 1001), then stops the listener
     * and the hub's thread. The hub stays installed while it drains, so new handshakes get 1012, not 403.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // already stopped, or stopping (the server API's shutdown and the caller's close may both come)
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.drainSeconds());
        hub.close();
        try {
            // The hub has handed every close frame to its connection; wait (within the drain time) for the
            // clients to read what is left, answer the close and hang up, before the transport goes away.
            connections.awaitNone(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RunningHub.uninstall(hub);
        connections.close();
        container.stop();
        try {
            // A short grace period lets the close frames just queued reach their clients.
            http.shutdown(2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "graceful listener shutdown did not finish; forcing it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.shutdownNow();
        }
        LOG.info("Herald stopped");
    }

    /** Tyrus keeps this constructor package-private; it is the supported way to attach Tyrus to Grizzly. */
    private static AddOn webSocketAddOn(ServerContainer container) throws IOException {
        try {
            Constructor<WebSocketAddOn> constructor =
                    WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return constructor.newInstance(container, CONTEXT_PATH);
        } catch (ReflectiveOperationException e) {
            throw new IOException("this Tyrus version has no WebSocketAddOn(ServerContainer, String)", e);
        }
    }
}
