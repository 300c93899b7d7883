package dev.herald.hub;

import dev.herald.auth.BearerSubprotocol;
import dev.herald.auth.TokenVerifier;
import dev.herald.auth.Verdict;
import dev.herald.config.HeraldSettings;
import dev.herald.config.SlowConsumerPolicy;
import dev.herald.protocol.Closure;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Inbound;
import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import dev.herald.protocol.Names;
import dev.herald.protocol.Outbound;
import dev.herald.protocol.Utf8;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's one registry of connections and rooms, and the only way frames reach clients.
 * Endpoints call it; it never blocks on a client: every frame goes through the client's bounded
 * {@link OutboundQueue}.
 */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    static final String CLASSIC_JOIN = "Hey all, a new client has joined us";

    private final HeraldSettings settings;
    private final FrameCodec codec;
    private final Clock clock;
    private final String nodeId;
    private final OriginPolicy origins;
    private final ConnectionLimits limits;
    private final AtomicLong connectionNumbers = new AtomicLong();
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final Audience classic = new Audience();
    private final Heartbeat heartbeat;
    private final Writers writers;
    private final BatchScratch batchScratch = new BatchScratch();
    private final Counters counters = new Counters();
    /** {@code null} when authentication is off. */
    private final TokenVerifier verifier;
    private volatile boolean draining;

    private Hub(HeraldSettings settings, Clock clock, TokenVerifier verifier, int writerThreads) {
        this.verifier = verifier;
        this.settings = settings;
        this.codec = FrameCodec.shared();
        this.clock = clock;
        this.nodeId = Long.toString(new SecureRandom().nextLong() >>> 24, 36);
        this.origins = OriginPolicy.forThisMachine(settings.allowedOrigins(), settings.host());
        this.limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress());
        this.heartbeat = new Heartbeat(this, settings.pingSeconds(), settings.idleSeconds(), nodeId);
        this.writers = Writers.pooled(writerThreads, nodeId);
    }

    /**
     * Creates a hub that writes on the threads that queue the frames (the container's), and starts its
     * heartbeat thread; {@link #close()} stops it.
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
        TokenVerifier verifier = null;
        if (settings.auth().enabled()) {
            try {
                verifier = TokenVerifier.create(settings.auth());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the JWT key: " + e.getMessage(), e);
            }
        }
        Hub hub = new Hub(settings, Clock.systemUTC(), verifier, writerThreads);
        hub.heartbeat.start();
        LOG.info(() -> "Herald hub " + hub.nodeId + " started");
        return hub;
    }

    public HeraldSettings settings() {
        return settings;
    }

    public OriginPolicy origins() {
        return origins;
    }

    /**
     * Authenticates a handshake from its headers (the {@code herald.bearer.<JWT>} subprotocol); {@code null}
     * when authentication is off.
     */
    public Verdict authenticate(Map<String, List<String>> handshakeHeaders) {
        return verifier == null ? null : verifier.verify(BearerSubprotocol.token(handshakeHeaders));
    }

    /** The fan-out engine's running totals. */
    public Counters.Snapshot counters() {
        long openHighWater = 0;
        for (Client client : clients) {
            openHighWater = Math.max(openHighWater, client.queue.highWaterBytes());
        }
        return counters.snapshot(openHighWater);
    }

    /** Open connections on this node. */
    public int connectionCount() {
        return clients.size();
    }

    // ---- classic endpoint -------------------------------------------------------------------------

    /**
     * Admits a classic client and announces it to all, itself included; {@code null} if refused and closed.
     *
     * @param verdict what {@link #authenticate} said of the handshake ({@code null} when authentication is off)
     */
    public Client openClassic(Connection connection, Verdict verdict) {
        if (refusedWhileDraining(connection) || refusedByAuthentication(connection, verdict, null)) {
            return null;
        }
        Client client = admitClassic(connection);
        if (client == null) {
            return null;
        }
        Fanout fanout = new Fanout();
        synchronized (classic) {
            classic.add(client);
            classic.offerToAll(Frame.text(CLASSIC_JOIN), fanout);
        }
        finish(fanout);
        return client;
    }

    /** Broadcasts {@code Client(n) said: text} to every classic client; over the rate it is dropped. */
    public void classicText(Client client, String text) {
        if (Utf8.exceeds(text, settings.maxMessageBytes())) {
            close(client, Closure.MESSAGE_TOO_BIG);
            return;
        }
        if (!heardWithinRate(client)) {
            return;
        }
        Frame frame = Frame.text("Client(" + client.number() + ") said: " + text);
        Fanout fanout = new Fanout();
        synchronized (classic) {
            classic.offerToAll(frame, fanout);
        }
        finish(fanout);
    }

    // ---- room endpoint ----------------------------------------------------------------------------

    /**
     * Admits a room client, welcomes it and announces it to the room; {@code null} if refused and closed
     * (draining, invalid room, no valid token, invalid name, or a connection cap).
     *
     * @param verdict what {@link #authenticate} said of the handshake ({@code null} when authentication is off);
     *                an accepted token's {@code sub} replaces {@code requestedName}
     */
    public Client joinRoom(Connection connection, String roomName, String requestedName, Verdict verdict) {
        if (refusedWhileDraining(connection)) {
            return null;
        }
        if (!Names.isValidRoom(roomName)) {
            connection.close(Closure.INVALID_ROOM);
            return null;
        }
        if (refusedByAuthentication(connection, verdict, roomName)) {
            return null;
        }
        if (verdict != null) {
            requestedName = verdict.identity().name(); // a verified token's sub is the member's name
        }
        if (!Names.isAcceptableDisplayName(requestedName)) {
            connection.close(Closure.INVALID_NAME);
            return null;
        }
        // The connection caps come before the room lookup, so refused connections cannot fill the room map.
        if (!limits.tryAcquire(connection.remoteAddress())) {
            connection.close(Closure.TRY_AGAIN_LATER);
            return null;
        }
        long number = connectionNumbers.incrementAndGet();
        while (true) {
            Room room = rooms.computeIfAbsent(roomName, key -> new Room(key, codec));
            Client client = newClient(number, connection, room, requestedName);
            Fanout fanout = new Fanout();
            if (room.join(client, settings.pingSeconds(), fanout)) {
                clients.add(client);
                finish(fanout);
                return client;
            }
            // The room emptied and closed between the lookup and the join: try again with a new one.
        }
    }

    /** Serves one decoded room frame: publish, presence, ping, or an error reply for a rejected one. */
    public void onFrame(Client client, Inbound frame) {
        if (frame instanceof Inbound.TooBig) {
            close(client, Closure.MESSAGE_TOO_BIG);
            return;
        }
        if (!heardWithinRate(client)) {
            String ref = frame instanceof Inbound.Publish publish ? publish.ref()
                    : frame instanceof Inbound.Ping ping ? ping.ref() : null;
            reply(client, new Outbound.Error(ErrorCode.RATE_LIMITED, "over the rate limit; not broadcast", ref));
            return;
        }
        if (frame instanceof Inbound.Publish publish) {
            Fanout fanout = new Fanout();
            client.room().publish(client, publish, clock.instant(), fanout);
            finish(fanout);
        } else if (frame instanceof Inbound.PresenceRequest) {
            reply(client, new Outbound.Presence(client.room().name(), client.room().members()));
        } else if (frame instanceof Inbound.Ping ping) {
            reply(client, new Outbound.Pong(ping.ref()));
        } else if (frame instanceof Inbound.Rejected rejected) {
            reply(client, new Outbound.Error(rejected.code(), rejected.message(), rejected.ref()));
        }
    }

    /** Relays a binary frame to the client's room, the sender included. */
    public void relayBinary(Client client, ByteBuffer data) {
        if (data.remaining() > settings.maxMessageBytes()) {
            close(client, Closure.MESSAGE_TOO_BIG);
            return;
        }
        if (!heardWithinRate(client)) {
            reply(client, new Outbound.Error(ErrorCode.RATE_LIMITED, "over the rate limit; not relayed", null));
            return;
        }
        Fanout fanout = new Fanout();
        client.room().relay(data, fanout);
        finish(fanout);
    }

    // ---- both endpoints -------------------------------------------------------------------------

    /** Notes that the client is alive (a pong, or any frame). */
    public void heard(Client client) {
        client.heard(System.nanoTime());
    }

    /** Closes {@code client} with {@code closure} unless it is already closing. */
    public void close(Client client, Closure closure) {
        if (client.markClosing(closure)) {
            client.queue.close();
            client.connection().close(closure);
        }
    }

    /**
     * The connection is gone (the container's {@code @OnClose}): forget it, and tell its room why it left.
     */
    public void disconnected(Client client) {
        if (!client.markGone()) {
            return;
        }
        client.queue.close();
        release(client);
        Room room = client.room();
        if (room == null) {
            synchronized (classic) {
                classic.remove(client);
            }
            LOG.info(() -> "Client(" + client.number() + ") disconnected");
            return;
        }
        Closure closure = client.closure();
        LeaveReason reason = closure == null ? LeaveReason.CLOSED : closure.leaveReason();
        Fanout fanout = new Fanout();
        if (room.leave(client, reason, fanout)) {
            rooms.remove(room.name(), room);
        }
        finish(fanout);
    }

    /** An error the container reported for {@code client}: remembered so the room hears reason {@code error}. */
    public void failed(Client client, Throwable error) {
        client.markClosing(Closure.INTERNAL_ERROR);
        LOG.log(Level.FINE, "connection " + client.number() + " failed", error);
    }

    /**
     * Stops the hub. With {@code drain-seconds} > 0 it drains (see {@link Drain}): new connections are refused
     * with 1012, and the open ones are closed with 1012 after their pending frames. With 0, every connection
     * is closed at once with 1001 {@code going away}. Then the heartbeat thread stops.
     */
    @Override
    public void close() {
        if (settings.drainSeconds() > 0) {
            draining = true;
            new Drain(this, TimeUnit.SECONDS.toNanos(settings.drainSeconds())).run(List.copyOf(clients));
        } else {
            for (Client client : clients) {
                close(client, Closure.GOING_AWAY);
            }
        }
        heartbeat.stop();
        writers.close();
        LOG.info(() -> "Herald hub " + nodeId + " stopped");
    }

    /** Starts the writes {@code fanout} collected and applies the slow-consumer policy; call with no lock held. */
    private void finish(Fanout fanout) {
        fanout.finish(writers, this::slowConsumer);
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
        Fanout fanout = new Fanout();
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
        for (Client client : clients) {
            client.markClosing(closure);
            if (client.queue.close()) {
                client.connection().close(closure);
            }
        }
    }

    // ---- internals used by the heartbeat ---------------------------------------------------------

    void pingAll() {
        Frame ping = Frame.ping();
        for (Client client : clients) {
            send(client, ping);
        }
    }

    void closeIdle(long idleNanos) {
        long now = System.nanoTime();
        for (Client client : clients) {
            if (now - client.lastHeardNanos() > idleNanos) {
                close(client, Closure.IDLE_TIMEOUT);
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** With authentication on, refuses (1008 unauthorized) a handshake without a valid token for {@code room}. */
    private boolean refusedByAuthentication(Connection connection, Verdict verdict, String room) {
        if (verifier == null) {
            return false;
        }
        String failure = verdict == null ? "the handshake was not authenticated"
                : !verdict.accepted() ? verdict.failure()
                : room != null && !verdict.identity().mayJoin(room) ? "the token does not allow room " + room
                : null;
        if (failure == null) {
            return false;
        }
        LOG.fine(() -> "refused a connection from " + connection.remoteAddress() + ": " + failure);
        connection.close(Closure.UNAUTHORIZED);
        return true;
    }

    private boolean refusedWhileDraining(Connection connection) {
        if (draining) {
            connection.close(Closure.SERVICE_RESTART);
        }
        return draining;
    }

    /** Takes a connection slot and registers a classic client; {@code null} (and closed) over a cap. */
    private Client admitClassic(Connection connection) {
        if (!limits.tryAcquire(connection.remoteAddress())) {
            connection.close(Closure.TRY_AGAIN_LATER);
            return null;
        }
        Client client = newClient(connectionNumbers.incrementAndGet(), connection, null, null);
        clients.add(client);
        return client;
    }

    private Client newClient(long number, Connection connection, Room room, String requestedName) {
        long now = System.nanoTime();
        String name = Names.displayName(requestedName, number);
        // Classic clients have no error frame to hear about drops in, so they are always disconnected.
        SlowConsumerPolicy policy = room == null ? SlowConsumerPolicy.DISCONNECT
                : settings.slowConsumerPolicies().forRoom(room.name());
        OutboundQueue queue = new OutboundQueue(connection, settings.queueBytes(), policy,
                dropped -> Frame.text(codec.encode(Outbound.Error.dropped(dropped))), counters, batchScratch);
        return new Client(number, new Member(nodeId + "-" + number, name), connection, connection.remoteAddress(),
                room, queue,
                new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), settings.rateAbuseSeconds(), now),
                now);
    }

    private void release(Client client) {
        if (clients.remove(client)) {
            limits.release(client.address());
        }
    }

    /** Counts a frame against the client's rate; closes it with 1008 once the abuse lasts too long. */
    private boolean heardWithinRate(Client client) {
        long now = System.nanoTime();
        client.heard(now);
        return switch (client.limiter.admit(now)) {
            case ALLOW -> true;
            case LIMITED -> false;
            case ABUSE -> {
                close(client, Closure.RATE_LIMIT_ABUSE);
                yield false;
            }
        };
    }

    private void reply(Client client, Outbound frame) {
        send(client, Frame.text(codec.encode(frame)));
    }

    private void send(Client client, Frame frame) {
        Fanout fanout = new Fanout();
        fanout.offer(client, frame);
        finish(fanout);
    }

    private void slowConsumer(Client client) {
        counters.slowDisconnect();
        LOG.fine(() -> "connection " + client.number() + " is a slow consumer; closing with 4000");
        close(client, Closure.SLOW_CONSUMER);
    }
}
