package dev.herald.hub;

import dev.herald.broker.Broker;
import dev.herald.broker.Draft;
import dev.herald.broker.History;
import dev.herald.broker.RoomState;
import dev.herald.delivery.Frame;
import dev.herald.protocol.Closure;
import dev.herald.protocol.Member;
import dev.herald.protocol.Names;
import dev.herald.protocol.Outbound;
import dev.herald.protocol.Utf8;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The seed's server API on a running Herald, for the program that hosts it and for the HTTP API built on it: send to
 * one client or to every classic client, publish into a room, list the clients and rooms, read a room's presence and
 * history, close and open admission, disconnect one client or all, shut down, and {@link ServerListener}s that hear
 * of new clients, their messages and their departures. Nothing here waits on a client: a send is queued like any
 * delivery.
 *
 * <p>Reach it with {@code StandaloneServer.control()}, or in a WAR from the servlet context attribute
 * {@link #ATTRIBUTE}. It sees the whole deployment: on a cluster, what is not on this node is asked of the others
 * through the broker, so the calls that may need them answer with a {@link CompletionStage} (completed at once on a
 * single node). Those complete exceptionally with {@code BrokerUnavailableException} when the broker cannot ask.
 */
public final class ServerControl {

    private static final Logger LOG = Logger.getLogger(ServerControl.class.getName());
    /** The servlet context attribute under which a WAR's running control is found. */
    public static final String ATTRIBUTE = ServerControl.class.getName();
    /** Who the operator's messages are from, as room members see it. */
    public static final Member OPERATOR = new Member("api", "api");

    /** How long a request key of {@link #publishOnce} is remembered. */
    public static final int ONCE_MINUTES = 5;

    private final Hub hub;
    private final NodeQuestions questions = new NodeQuestions(this);
    private volatile Runnable shutdown;

    ServerControl(Hub hub) {
        this.hub = hub;
        // In a container Herald cannot stop the server it runs in: shutting down closes admission and every
        // connection, gracefully. Standalone replaces this with the server's own stop.
        this.shutdown = () -> {
            denyNewConnections();
            disconnectClientsGracefully();
        };
    }

    // ---- commands ---------------------------------------------------------------------------------

    /**
     * Publishes {@code text} into {@code room} as a {@code message} from {@link #OPERATOR}, in the room's order on
     * every node, kept in its history; completes with its offset and epoch, or exceptionally with
     * {@code BrokerUnavailableException}.
     *
     * @param key a conflation key, or {@code null}
     * @throws IllegalArgumentException when the room name or the text is not acceptable
     */
    public CompletionStage<RoomState> publish(String room, String text, String key) {
        checkRoom(room);
        checkText(text);
        return hub.broker().publish(room, new Draft(OPERATOR, text, Rooms.TIMESTAMP.format(Instant.now()), key));
    }

    /**
     * As {@link #publish}, but once for {@code requestKey} within {@value #ONCE_MINUTES} minutes, on every node: a
     * retry with the same key and room completes with the first publish's offset and epoch and publishes nothing.
     * Completes exceptionally with {@link RequestInProgressException} while the first is still publishing.
     */
    public CompletionStage<RoomState> publishOnce(String requestKey, String room, String text, String key) {
        checkRoom(room);
        checkText(text);
        String once = digest("rooms/" + room + "/messages\n" + requestKey);
        long ttl = TimeUnit.MINUTES.toMillis(ONCE_MINUTES);
        Broker broker = hub.broker();
        return broker.claim(once, ttl).thenCompose(earlier -> {
            if (earlier.isPresent()) {
                return earlier.get().equals(Broker.PENDING)
                        ? CompletableFuture.failedFuture(new RequestInProgressException())
                        : CompletableFuture.completedFuture(storedAnswer(earlier.get()));
            }
            return publish(room, text, key).whenComplete((at, failure) ->
                    broker.settle(once, failure == null ? at.epoch() + " " + at.offset() : null, ttl));
        });
    }

    /** A publish with this request key is still in progress; retry later. */
    public static final class RequestInProgressException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        RequestInProgressException() {
            super("a request with this key is still in progress");
        }
    }

    private static RoomState storedAnswer(String stored) {
        int space = stored.lastIndexOf(' ');
        return new RoomState(stored.substring(0, space), Long.parseLong(stored.substring(space + 1)));
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Sends {@code text}, as it is, to every classic client (the seed's {@code send_message_to_all}), on every node
     * of a cluster; dropped while the broker is unreachable. Completes with the number of classic clients, on every
     * node that answered.
     *
     * @throws IllegalArgumentException when the text is not acceptable
     */
    public CompletionStage<Integer> sendToAll(String text) {
        checkText(text);
        hub.broker().classic(text);
        int here = localClassicCount();
        return hub.broker().askOthers(NodeQuestions.classicCount()).thenApply(answers ->
                here + answers.stream().mapToInt(NodeQuestions::decodeCount).sum());
    }

    /**
     * Sends {@code text} to one client, on whichever node it is (the seed's {@code send_message}): to a classic client
     * as it is, to a room member as a {@code direct} frame from {@link #OPERATOR}. Completes with {@code false} when
     * no node has such a client.
     *
     * @param clientId a classic number or a member id ({@link ClientInfo#id()})
     * @throws IllegalArgumentException when the text is not acceptable
     */
    public CompletionStage<Boolean> send(String clientId, String text) {
        checkText(text);
        return sendLocally(clientId, text) ? CompletableFuture.completedFuture(true)
                : elsewhere(clientId, NodeQuestions.send(clientId, text));
    }

    /**
     * Closes one client, on whichever node it is, with 1008 {@code disconnected by admin}; its room hears reason
     * {@code policy}. Completes with {@code false} when no node has such a client.
     */
    public CompletionStage<Boolean> disconnect(String clientId) {
        return disconnectLocally(clientId) ? CompletableFuture.completedFuture(true)
                : elsewhere(clientId, NodeQuestions.disconnect(clientId));
    }

    /** Asks the other nodes to act on a client that is not here; a member id of this node needs no asking. */
    private CompletionStage<Boolean> elsewhere(String clientId, String question) {
        if (clientId.startsWith(hub.nodeId() + "-")) {
            return CompletableFuture.completedFuture(false); // one of this node's members, and it has gone
        }
        return hub.broker().askOthers(question).thenApply(answers ->
                answers.stream().anyMatch(NodeQuestions::decodeBoolean));
    }

    boolean sendLocally(String clientId, String text) {
        Client client = hub.clientById(clientId);
        if (client == null) {
            return false;
        }
        hub.send(client, client.room() == null ? Frame.text(text)
                : Frame.text(hub.codec().encode(new Outbound.Direct(OPERATOR, text))));
        return true;
    }

    boolean disconnectLocally(String clientId) {
        Client client = hub.clientById(clientId);
        if (client == null) {
            return false;
        }
        LOG.info(() -> "client " + clientId + " disconnected by admin");
        hub.close(client, Closure.DISCONNECTED_BY_ADMIN);
        return true;
    }

    int localClassicCount() {
        return hub.connectionCount(true);
    }

    /** Refuses new connections with 1013 {@code try again later} (the seed's {@code deny_new_connections}). */
    public void denyNewConnections() {
        hub.admission().setOpen(false);
    }

    /** Accepts new connections again (the seed's {@code allow_new_connections}). */
    public void allowNewConnections() {
        hub.admission().setOpen(true);
    }

    /** {@code true} unless admission was closed. */
    public boolean admissionOpen() {
        return hub.admission().open();
    }

    /**
     * Closes every connection of this node with 1001 {@code going away}, each after the frames already queued for
     * it (the seed's {@code disconnect_clients_gracefully}); admission stays as it is, so clients may come back.
     */
    public void disconnectClientsGracefully() {
        for (Client client : hub.openClients()) {
            hub.closeAfterPending(client, Closure.GOING_AWAY);
        }
    }

    /**
     * Shuts down gracefully (the seed's {@code shutdown_gracefully}): standalone, the server drains and stops; in a
     * container, which a WAR cannot stop, admission closes and every connection is closed gracefully. Returns at once.
     */
    public void shutdownGracefully() {
        Thread stopper = new Thread(shutdown, "herald-shutdown");
        stopper.start();
    }

    /** What {@link #shutdownGracefully} does: set by the program that can stop the server (standalone). */
    public void onShutdown(Runnable stop) {
        this.shutdown = stop;
    }

    /** Registers a listener; closing the result unregisters it. */
    public AutoCloseable addListener(ServerListener listener) {
        return hub.listeners().add(listener);
    }

    // ---- queries ----------------------------------------------------------------------------------

    /** The connections open on every node, in no particular order; {@code room} filters when not {@code null}. */
    public CompletionStage<List<ClientInfo>> clients(String room) {
        List<ClientInfo> here = localClients(room);
        return hub.broker().askOthers(NodeQuestions.clients(room)).thenApply(answers -> {
            List<ClientInfo> all = new ArrayList<>(here);
            answers.forEach(answer -> all.addAll(NodeQuestions.decodeClients(answer)));
            return all;
        });
    }

    /**
     * The rooms with members on any node: their members on every node, their latest offset and epoch. Nodes that
     * share a room know the same members; the one that has seen the latest message says where it stands.
     */
    public CompletionStage<List<RoomInfo>> rooms() {
        List<RoomInfo> here = localRooms();
        return hub.broker().askOthers(NodeQuestions.rooms()).thenApply(answers -> {
            Map<String, RoomInfo> byName = new TreeMap<>();
            Stream.concat(here.stream(), answers.stream().flatMap(answer -> NodeQuestions.decodeRooms(answer).stream()))
                    .forEach(room -> byName.merge(room.room(), room,
                            (a, b) -> a.offset() >= b.offset() ? a : b));
            return List.copyOf(byName.values());
        });
    }

    /** The members of {@code room} on every node, or empty when it has none on any node. */
    public CompletionStage<Optional<List<Member>>> presence(String room) {
        Optional<List<Member>> here = localPresence(room);
        if (here.isPresent()) {
            return CompletableFuture.completedFuture(here); // a node with members knows the others' too
        }
        return hub.broker().askOthers(NodeQuestions.presence(room)).thenApply(answers -> answers.stream()
                .map(NodeQuestions::decodeMembers).flatMap(Optional::stream).findFirst());
    }

    List<ClientInfo> localClients(String room) {
        List<ClientInfo> infos = new ArrayList<>();
        for (Client client : hub.openClients()) {
            if (room == null || client.room() != null && client.room().name().equals(room)) {
                infos.add(client.info());
            }
        }
        return infos;
    }

    List<RoomInfo> localRooms() {
        return hub.rooms().infos();
    }

    Optional<List<Member>> localPresence(String room) {
        return hub.rooms().members(room);
    }

    /** Another node's question, answered from this node. */
    String answer(String question) {
        return questions.answer(question);
    }

    /**
     * The messages of {@code room} after offset {@code since}, at most {@code limit}, oldest first, as its members
     * received them, with its epoch; completes exceptionally with {@code BrokerUnavailableException}.
     */
    public CompletionStage<History> history(String room, long since, int limit) {
        return hub.broker().history(room, since, limit);
    }

    /** The largest text, in UTF-8 bytes, a send or publish accepts: the setting {@code max-message-bytes}. */
    public int maxTextBytes() {
        return hub.settings().maxMessageBytes();
    }

    /**
     * The room rule every caller of this API meets.
     *
     * @throws IllegalArgumentException naming the rule, when {@code room} breaks it
     */
    public static void checkRoom(String room) {
        if (!Names.isValidRoom(room)) {
            throw new IllegalArgumentException("a room name is 1 to 64 characters of A-Z a-z 0-9 . _ -, not . or ..");
        }
    }

    /**
     * The text rule of a send or publish: 1 or more characters, not only white space, at most {@link #maxTextBytes}
     * in UTF-8, valid Unicode.
     *
     * @throws TextTooLargeException    when it is longer than {@link #maxTextBytes}
     * @throws IllegalArgumentException naming the rule, when it breaks another part of it
     */
    public void checkText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must be 1 or more characters and not only white space");
        }
        if (Utf8.exceeds(text, maxTextBytes())) {
            throw new TextTooLargeException("text is longer than " + maxTextBytes() + " bytes in UTF-8");
        }
        if (Utf8.hasLoneSurrogate(text)) {
            throw new IllegalArgumentException("text must be valid Unicode (no lone surrogates)");
        }
    }

    /** A text longer than {@code max-message-bytes} allows (the HTTP API answers it with 413). */
    public static final class TextTooLargeException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        TextTooLargeException(String message) {
            super(message);
        }
    }
}
