package dev.herald.hub;

import dev.herald.admission.Admission;
import dev.herald.admission.OriginPolicy;
import dev.herald.auth.Verdict;
import dev.herald.broker.Broker;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.MemoryBroker;
import dev.herald.broker.RedisBroker;
import dev.herald.config.HeraldSettings;
import dev.herald.delivery.Connection;
import dev.herald.delivery.Counters;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.Fanout;
import dev.herald.delivery.Frame;
import dev.herald.protocol.Closure;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Inbound;
import dev.herald.protocol.LeaveReason;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's facade, created once per deployment: the endpoints call it for everything. It admits
 * connections ({@link Admission}) into the classic chat ({@link ClassicChat}) or the rooms ({@link Rooms}, which
 * publish through the {@link Broker}), hands what they send to {@link ClientFrames}, closes them and hears them go,
 * hands every frame to the {@link Delivery} engine, and owns the lifecycle: heartbeat, drain and stop. The operator's
 * view of it is {@link ServerControl}. It never blocks on a client.
 */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    static final String CLASSIC_JOIN = ClassicChat.JOIN;

    private final HeraldSettings settings;
    private final FrameCodec codec = FrameCodec.shared();
    private final Clock clock = Clock.systemUTC();
    private final String nodeId;
    private final Admission admission;
    private final Delivery delivery;
    private final Broker broker;
    private final Clients clients;
    private final ClassicChat classic;
    private final Activity activity = new Activity();
    private final PingRounds pings = new PingRounds();
    /** The current ping round's frame, shared by its slices; the heartbeat thread's own. */
    private Frame roundPing;
    private final Rooms rooms;
    private final Heartbeat heartbeat;
    private final TokenRefresh tokenRefresh;
    private final Listeners listeners;
    private final ServerControl control;
    private final ClientFrames frames;

    private Hub(HeraldSettings settings, Admission admission, int writerThreads) {
        this.settings = settings;
        this.nodeId = Long.toString(new SecureRandom().nextLong() >>> 24, 36);
        this.admission = admission;
        this.delivery = new Delivery(writerThreads, nodeId);
        this.broker = settings.broker().redis()
                ? new RedisBroker(settings.broker(), settings.historySize(), settings.historySeconds(), nodeId)
                : new MemoryBroker(settings.historySize(), settings.historySeconds(), nodeId);
        this.clients = new Clients(settings, delivery, codec, nodeId,
                client -> close(client, Closure.CONNECTION_FAILED));
        this.classic = new ClassicChat(broker);
        this.rooms = new Rooms(broker, codec, settings.pingSeconds(), settings.recoveryMax(), activity, this::finish);
        this.heartbeat = new Heartbeat(this, settings.pingSeconds(), settings.idleSeconds(), nodeId);
        this.tokenRefresh = new TokenRefresh(admission);
        this.listeners = new Listeners(nodeId);
        this.control = new ServerControl(this);
        this.frames = new ClientFrames(settings, classic, rooms, tokenRefresh, listeners, activity, pings, codec,
                clock, this::close, this::send);
    }

    /**
     * Creates a hub with no writer threads, which writes on the threads that queue the frames (as
     * {@code writer-threads 0} does), and starts its heartbeat thread; {@link #close()} stops it. The runtimes start
     * their hub with {@link #start(HeraldSettings, int)}; this one serves tests that want the writes inline.
     *
     * @throws IllegalArgumentException when authentication is on and its keys are missing or unusable
     */
    public static Hub start(HeraldSettings settings) {
        return start(settings, 0);
    }

    /**
     * Creates the hub with {@code writerThreads} writer threads of its own (0: write inline), and starts its
     * heartbeat thread; {@link #close()} stops them all.
     *
     * @throws IllegalArgumentException when authentication is on and its keys are missing or unusable
     */
    public static Hub start(HeraldSettings settings, int writerThreads) {
        settings.burstExceedsQueue().ifPresent(contradiction -> LOG.warning(contradiction));
        Hub hub = new Hub(settings, Admission.from(settings), writerThreads);
        hub.broker.start(new BrokerDeliveries(hub.rooms, hub.classic, hub.control, hub::finish));
        hub.heartbeat.start();
        LOG.info(() -> "Herald hub " + hub.nodeId + " started");
        return hub;
    }

    public HeraldSettings settings() {
        return settings;
    }

    /** The server API for the program that hosts Herald, and for the HTTP API. */
    public ServerControl control() {
        return control;
    }

    public OriginPolicy origins() {
        return admission.origins();
    }

    /** See {@link Admission#authenticate}: {@code null} when authentication is off. */
    public Verdict authenticate(Map<String, List<String>> handshakeHeaders) {
        return admission.authenticate(handshakeHeaders);
    }

    /** The delivery engine's running totals. */
    public Counters.Snapshot counters() {
        return delivery.counters().snapshot(clients.openHighWater());
    }

    /** Open connections on this node. */
    public int connectionCount() {
        return clients.size();
    }

    /** Open connections on this node's classic endpoint ({@code true}) or in its rooms ({@code false}). */
    public int connectionCount(boolean classicEndpoint) {
        int count = 0;
        for (Client client : clients.all()) {
            if ((client.room() == null) == classicEndpoint) {
                count++;
            }
        }
        return count;
    }

    /** Rooms with members on this node. */
    public int roomCount() {
        return rooms.count();
    }

    /** The hub's totals beside the engine's: connections opened and closed, publishes, resumes, broker errors. */
    public Activity.Snapshot activity() {
        return activity.snapshot();
    }

    /** Counts an answer of the HTTP API, for {@code /metrics}. */
    public void apiAnswered(String method, int status) {
        activity.apiAnswered(method, status);
    }

    /** {@code true} once the drain has begun. */
    public boolean draining() {
        return admission.draining();
    }

    /** {@code true} unless an operator closed admission. */
    public boolean admissionOpen() {
        return admission.open();
    }

    /** {@code true} while the broker can serve. */
    public boolean brokerAvailable() {
        return broker.available();
    }

    // ---- classic endpoint -------------------------------------------------------------------------

    /**
     * Admits a classic client and announces it to all, itself included; {@code null} if refused and closed.
     *
     * @param verdict what {@link #authenticate} said of the handshake ({@code null} when authentication is off)
     */
    public Client openClassic(Connection connection, Verdict verdict) {
        if (refused(connection, admission.admit(connection.remoteAddress(), null, null, verdict))) {
            return null;
        }
        long number;
        try {
            number = broker.classicNumber(clients::nextNumber);
        } catch (BrokerUnavailableException e) {
            // On a cluster a classic number must be unique across nodes; without Redis there is none to give.
            // FINE: during an outage every request fails the same way; the broker logs the outage itself once, and
            // herald_broker_errors_total counts the requests.
            LOG.log(Level.FINE, "cannot number a classic client: the broker is unavailable", e);
            activity.brokerError();
            admission.release(connection.remoteAddress());
            connection.close(Closure.TRY_AGAIN_LATER);
            return null;
        }
        Client client = clients.create(number, connection, null, null);
        client.authenticated(verdict);
        clients.register(client);
        activity.opened();
        classic.join(client);
        listeners.joined(client);
        return client;
    }

    /** Broadcasts {@code Client(n) said: text} to every classic client; over the rate it is dropped. */
    public void classicText(Client client, String text) {
        frames.classicText(client, text);
    }

    // ---- room endpoint ----------------------------------------------------------------------------

    /** As {@link #joinRoom(Connection, String, String, Verdict, Resume)}, without a resume. */
    public Client joinRoom(Connection connection, String roomName, String requestedName, Verdict verdict) {
        return joinRoom(connection, roomName, requestedName, verdict, null);
    }

    /**
     * Admits a room client, welcomes it and announces it to the room; {@code null} if refused and closed
     * (draining, invalid room, no valid token, invalid name, or a connection cap).
     *
     * @param verdict what {@link #authenticate} said of the handshake ({@code null} when authentication is off);
     *                an accepted token's {@code sub} replaces {@code requestedName}
     * @param resume  the offset and epoch to resume from, or {@code null}: the welcome then says whether the
     *                missed messages follow (protocol.md §6)
     */
    public Client joinRoom(Connection connection, String roomName, String requestedName, Verdict verdict,
                           Resume resume) {
        String name = admission.displayName(requestedName, verdict);
        if (refused(connection, admission.admit(connection.remoteAddress(), roomName, name, verdict))) {
            return null;
        }
        long number = clients.nextNumber();
        Client client;
        try {
            client = rooms.join(roomName, room -> clients.create(number, connection, room, name), resume);
        } catch (BrokerUnavailableException e) {
            // Without the broker the room's position is unknown: nothing to welcome with. Clients retry on 1013.
            LOG.log(Level.FINE, "cannot join room " + roomName + ": the broker is unavailable", e);
            activity.brokerError();
            admission.release(connection.remoteAddress());
            connection.close(Closure.TRY_AGAIN_LATER);
            return null;
        }
        client.authenticated(verdict);
        clients.register(client);
        activity.opened();
        listeners.joined(client);
        return client;
    }

    /** Serves one decoded room frame: publish, presence, ping, refresh, or an error reply for a rejected one. */
    public void onFrame(Client client, Inbound frame) {
        frames.onFrame(client, frame);
    }

    /** Relays a binary frame to the client's room, the sender included. */
    public void relayBinary(Client client, ByteBuffer data) {
        frames.relayBinary(client, data);
    }

    // ---- both endpoints -------------------------------------------------------------------------

    /** A pong arrived: see {@link ClientFrames#pong}. */
    public void pong(Client client, ByteBuffer payload) {
        frames.pong(client, payload);
    }

    /** The client sent a ping (where the runtime reports it: standalone): see {@link ClientFrames#pinged}. */
    public void pinged(String connectionId) {
        Client client = clients.byConnectionId(connectionId);
        if (client != null) {
            frames.pinged(client);
        }
    }

    /** Closes {@code client} with {@code closure} unless it is already closing; {@code true} if this call did. */
    public boolean close(Client client, Closure closure) {
        if (!client.markClosing(closure)) {
            return false;
        }
        client.queue().close();
        client.connection().close(closure);
        return true;
    }

    /**
     * The connection is gone (the container's {@code @OnClose}), closed with {@code peerCode} as the runtime
     * reports it: forget it, count it under Herald's own close code if Herald closed it, and tell its room why
     * it left.
     */
    public void disconnected(Client client, int peerCode) {
        if (!client.markGone()) {
            return;
        }
        int code = client.closure() != null ? client.closure().code() : peerCode;
        activity.closed(code);
        listeners.left(client, code);
        client.queue().close();
        if (clients.unregister(client)) {
            admission.release(client.address());
        }
        if (client.room() == null) {
            classic.leave(client);
            return;
        }
        Closure closure = client.closure();
        rooms.leave(client, closure == null ? LeaveReason.CLOSED : closure.leaveReason());
    }

    /**
     * The container reported that {@code client}'s connection failed: it is closed (if the runtime has not closed
     * it already), and its room hears reason {@code error}.
     */
    public void failed(Client client, Throwable error) {
        LOG.log(Level.FINE, "connection " + client.number() + " failed", error);
        close(client, Closure.CONNECTION_FAILED);
    }

    /**
     * Stops the hub. With {@code drain-seconds} > 0 it drains (see {@link Drain}): new connections are refused
     * with 1012, and the open ones are closed with 1012 after their pending frames. With 0, every connection
     * is closed at once with 1001 {@code going away}. Then the heartbeat, the writers and the broker stop.
     */
    @Override
    public void close() {
        if (settings.drainSeconds() > 0) {
            admission.startDraining();
            new Drain(this, TimeUnit.SECONDS.toNanos(settings.drainSeconds())).run(clients.snapshot());
        } else {
            for (Client client : clients.all()) {
                close(client, Closure.GOING_AWAY);
            }
        }
        heartbeat.stop();
        listeners.close();
        delivery.close();
        broker.close();
        LOG.info(() -> "Herald hub " + nodeId + " stopped");
    }

    // ---- for the server control -------------------------------------------------------------------

    Broker broker() {
        return broker;
    }

    String nodeId() {
        return nodeId;
    }

    Admission admission() {
        return admission;
    }

    Rooms rooms() {
        return rooms;
    }

    Listeners listeners() {
        return listeners;
    }

    FrameCodec codec() {
        return codec;
    }

    /** The open client an operator names {@code id} ({@link Client#id()}), or {@code null}. */
    Client clientById(String id) {
        for (Client client : clients.all()) {
            if (client.id().equals(id)) {
                return client;
            }
        }
        return null;
    }

    // ---- lifecycle internals: the drain and the heartbeat ----------------------------------------

    /** The clients open now. */
    List<Client> openClients() {
        return clients.snapshot();
    }

    /** {@code true} until every connection that was open has gone. */
    boolean hasConnections() {
        return !clients.isEmpty();
    }

    /** Closes {@code client} with {@code closure} once the frames already queued for it are written. */
    void closeAfterPending(Client client, Closure closure) {
        if (!client.markClosing(closure)) {
            return;
        }
        Fanout<Client> fanout = new Fanout<>();
        if (!fanout.offerClose(client, Frame.close(closure))) {
            client.connection().close(closure);
        }
        finish(fanout);
    }

    /**
     * The drain's time is up: closes every connection whose close has not been written yet (its peer stopped
     * reading), dropping what is still queued for it.
     */
    void closeRemaining(Closure closure) {
        for (Client client : clients.all()) {
            client.markClosing(closure);
            if (client.queue().close()) {
                client.connection().close(closure);
            }
        }
    }

    /**
     * One slice of a ping round: slice 0 starts a round, with a fresh payload, and each client is pinged in the
     * slice its number falls in, so once a round. A round's pings, and the pongs they call for, are spread over the
     * interval instead of coming all at once (on Payara Micro each pong costs a class-path scan on a container
     * thread: bench/README.md, "Payara's (b) tail: the ping round"). Called by the heartbeat thread only.
     */
    void pingSlice(int slice, int slices) {
        if (slice == 0 || roundPing == null) {
            roundPing = Frame.ping(pings.next());
        }
        for (Client client : clients.all()) {
            if (Math.floorMod(client.number(), slices) == slice) {
                send(client, roundPing);
            }
        }
    }

    void closeIdle(long idleNanos) {
        long now = System.nanoTime();
        for (Client client : clients.all()) {
            if (now - client.lastHeardNanos() > idleNanos) {
                close(client, Closure.IDLE_TIMEOUT);
            }
        }
    }

    /** Closes with 4001 {@code token expired} every client whose token's {@code exp} has passed. */
    void closeExpired() {
        closeExpired(clock.instant());
    }

    void closeExpired(Instant now) {
        for (Client client : clients.all()) {
            if (client.tokenExpiredAt(now) && close(client, Closure.TOKEN_EXPIRED)) {
                LOG.fine(() -> "connection " + client.number() + ": its token expired; closed with 4001");
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Closes a connection that admission refused; {@code true} if it was. */
    private static boolean refused(Connection connection, Closure refusal) {
        if (refusal != null) {
            connection.close(refusal);
        }
        return refusal != null;
    }

    void send(Client client, Frame frame) {
        Fanout<Client> fanout = new Fanout<>();
        fanout.offer(client, frame);
        finish(fanout);
    }

    /** Starts the writes {@code fanout} collected and applies the slow-consumer policy; call with no lock held. */
    private void finish(Fanout<Client> fanout) {
        delivery.finish(fanout, this::slowConsumer);
    }

    private void slowConsumer(Client client) {
        if (close(client, Closure.SLOW_CONSUMER)) { // counted only when this is what closed it
            delivery.counters().slowDisconnect();
            LOG.fine(() -> "connection " + client.number() + " is a slow consumer; closed with 4000");
        }
    }
}
