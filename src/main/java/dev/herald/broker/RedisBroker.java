package dev.herald.broker;

import static dev.herald.broker.ScriptReplies.number;
import static dev.herald.broker.ScriptReplies.text;

import dev.herald.config.BrokerSettings;
import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.SetArgs;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker of a cluster (protocol.md §7): every node shares each room's order, history and members, and the
 * classic endpoint's texts, through Redis. A
 * publish is one script that allocates the offset, appends to the room's capped history stream and publishes on
 * the room's channel; a node subscribes to that channel only while it has members in the room, and each room's
 * {@link RoomFeed} turns the channel into a gapless, ordered stream, repairing from history what pub/sub lost.
 * Members are {@link ClusterPresence}'s.
 *
 * <p>Threads: Lettuce's I/O threads hand every message and reply to this broker's one event thread, which runs
 * all the feeds and calls the sink; so deliveries are in order per room and never on a Redis I/O thread.
 */
public final class RedisBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class.getName());
    /** Most messages one repair reads at a time; a longer gap is read in several steps. */
    private static final int REPAIR_BATCH = 1_000;

    private final int historySize;
    private final long historyMillis;
    private final RedisWire wire = new RedisWire();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService events;
    private final RedisLink link;
    private final Map<String, Integer> subscriptions = new HashMap<>();
    private final ConcurrentHashMap<String, RoomFeed> feeds = new ConcurrentHashMap<>();
    private final ClusterPresence presence;
    private final ClusterQueries queries;
    private final RoomTouch touch;
    private volatile BrokerSink sink;

    /**
     * @param historySize    messages kept per room
     * @param historySeconds how long a message is kept, and a room's offsets and epoch after its last message
     */
    public RedisBroker(BrokerSettings settings, int historySize, int historySeconds, String nodeId) {
        this.historySize = historySize;
        this.historyMillis = TimeUnit.SECONDS.toMillis(historySeconds);
        this.events = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "herald-redis-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
        this.link = new RedisLink(settings, nodeId, new Listener(), events, this::linked);
        this.presence = new ClusterPresence(nodeId, link, wire, historyMillis, this::newEpoch);
        this.queries = new ClusterQueries(nodeId, link, events, () -> sink);
        this.touch = new RoomTouch(link, historyMillis, this::newEpoch, feeds::values,
                (what, task) -> events.execute(guarded(what, task)));
    }

    @Override
    public void start(BrokerSink deliverTo) {
        this.sink = deliverTo;
        link.connect();
        long period = RoomTouch.periodMillis(historyMillis);
        events.scheduleWithFixedDelay(guarded("touch", touch::touchAll), period, period, TimeUnit.MILLISECONDS);
        events.scheduleWithFixedDelay(guarded("heartbeat", this::beat), 0, ClusterPresence.BEAT_SECONDS,
                TimeUnit.SECONDS);
    }

    /**
     * Both connections are up (the first time): every node hears the classic endpoint's channel and operators'
     * questions.
     */
    private void linked() {
        List<String> channels = new ArrayList<>(List.of(queries.channels()));
        channels.add(RedisKeys.classicChannel());
        link.pubsub().subscribe(channels.toArray(String[]::new)).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "cannot subscribe to the classic and control channels; retrying at the next "
                        + "reconnection", failure);
            }
        });
    }

    @Override
    public CompletionStage<List<String>> askOthers(String question) {
        return queries.ask(question);
    }

    /**
     * Subscribes to the room's channel (on the first subscription here), then reads where the room stands, so that
     * every message after that position reaches the sink. Blocks for at most two Redis round trips.
     *
     * @throws BrokerUnavailableException when Redis does not answer
     */
    @Override
    public Subscription subscribe(String room) {
        CompletionStage<?> subscribed = null;
        RoomFeed feed;
        synchronized (subscriptions) {
            // Issued under the lock, so that this channel's SUBSCRIBE and UNSUBSCRIBE reach Redis in call order.
            if (subscriptions.merge(room, 1, Integer::sum) == 1) {
                feed = new RoomFeed(room, sink, this::readForRepair);
                feeds.put(room, feed);
                try {
                    subscribed = link.pubsub().subscribe(RedisKeys.channel(room));
                } catch (RuntimeException e) {
                    subscribed = CompletableFuture.failedFuture(e);
                }
            } else {
                feed = feeds.get(room);
            }
        }
        try {
            if (subscribed != null) {
                await(subscribed);
            }
            Snapshot snapshot = await(snapshot(room));
            List<Member> others = presence.othersAlive(room, snapshot.members());
            if (subscribed != null) {
                events.execute(guarded("start", () -> feed.start(snapshot.at(), snapshot.presenceSeq(), others)));
                return new Subscription(snapshot.at(), others);
            }
            // A second subscription here (an old room of this name is still closing): what the feed knows.
            return new Subscription(snapshot.at(), await(CompletableFuture.supplyAsync(feed::elsewhere, events)));
        } catch (BrokerUnavailableException e) {
            unsubscribe(room);
            throw e;
        }
    }

    @Override
    public void unsubscribe(String room) {
        RoomFeed feed = null;
        synchronized (subscriptions) {
            Integer left = subscriptions.computeIfPresent(room, (name, count) -> count == 1 ? null : count - 1);
            if (left == null) {
                feed = feeds.remove(room);
                unsubscribeChannel(room);
            }
        }
        if (feed != null) {
            events.execute(guarded("close", feed::close));
        }
    }

    @Override
    public CompletionStage<Void> relay(String room, ByteBuffer data) {
        try {
            return link.commands().publish(RedisKeys.channel(room), wire.encodeBinary(data))
                    .handle((receivers, failure) -> {
                        if (failure != null) {
                            throw unavailable("relay binary data to room " + room, failure);
                        }
                        return null;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("relay binary data to room " + room, e));
        }
    }

    @Override
    public boolean available() {
        return link.connected();
    }

    @Override
    public void joined(String room, Member member) {
        presence.joined(room, member);
    }

    @Override
    public void left(String room, Member member, LeaveReason reason) {
        presence.left(room, member, reason);
    }

    /** Numbers are unique across the cluster: one counter in Redis. Blocks for one round trip. */
    @Override
    public long classicNumber(LongSupplier nodeNumbers) {
        try {
            return await(link.commands().incr(RedisKeys.classicNumbers()));
        } catch (RuntimeException e) {
            throw unavailable("number a classic client", e);
        }
    }

    @Override
    public void classic(String text) {
        try {
            link.commands().publish(RedisKeys.classicChannel(), text).whenComplete((receivers, failure) -> {
                if (failure != null) {
                    LOG.fine(() -> "dropped a classic text: " + failure);
                }
            });
        } catch (BrokerUnavailableException e) {
            LOG.fine(() -> "dropped a classic text: " + e.getMessage()); // protocol.md §7: dropped while Redis is down
        }
    }

    @Override
    public CompletionStage<RoomState> publish(String room, Draft draft) {
        String[] keys = RedisKeys.room(room);
        CompletableFuture<RoomState> ack = new CompletableFuture<>();
        try {
            RedisScripts.PUBLISH.run(link.commands(), keys, newEpoch(), Long.toString(historyMillis),
                    Integer.toString(historySize), wire.encode(draft)).whenComplete((reply, failure) -> {
                if (failure != null) {
                    ack.completeExceptionally(unavailable("publish to room " + room, failure));
                    return;
                }
                RoomState at = new RoomState(text(reply.get(0)), number(reply.get(1)));
                events.execute(guarded("ack", () -> {
                    RoomFeed feed = feeds.get(room);
                    if (feed == null) {
                        ack.complete(at);
                    } else {
                        feed.afterDelivery(at, ack);
                    }
                }));
            });
        } catch (RuntimeException e) {
            ack.completeExceptionally(unavailable("publish to room " + room, e));
        }
        return ack;
    }

    @Override
    public CompletionStage<Optional<String>> claim(String key, long ttlMillis) {
        String redisKey = RedisKeys.once(key);
        try {
            return link.commands().set(redisKey, PENDING, SetArgs.Builder.nx().px(ttlMillis))
                    .thenCompose(claimed -> "OK".equals(claimed)
                            ? CompletableFuture.completedFuture(Optional.<String>empty())
                            // Claimed before: its answer, or PENDING. Expired in between: nobody holds it; claim again.
                            : link.commands().get(redisKey).thenCompose(answer -> answer == null
                                    ? claim(key, ttlMillis) : CompletableFuture.completedFuture(Optional.of(answer))))
                    .handle((answer, failure) -> {
                        if (failure != null) {
                            throw unavailable("claim a request key", failure);
                        }
                        return answer;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("claim a request key", e));
        }
    }

    @Override
    public void settle(String key, String answer, long ttlMillis) {
        String redisKey = RedisKeys.once(key);
        try {
            (answer == null ? link.commands().del(redisKey)
                    : link.commands().set(redisKey, answer, SetArgs.Builder.xx().keepttl()))
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            // The key then expires as PENDING: a retry meanwhile is told to try again later.
                            LOG.log(Level.WARNING, "could not record the answer of a request key", failure);
                        }
                    });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not record the answer of a request key", e);
        }
    }

    @Override
    public CompletionStage<History> history(String room, long since, int limit) {
        try {
            return RedisScripts.HISTORY.run(link.commands(), RedisKeys.room(room), newEpoch(), Long.toString(historyMillis),
                            Long.toString(since), Integer.toString(limit), Long.toString(historyMillis))
                    .handle((reply, failure) -> {
                        if (failure != null) {
                            throw unavailable("read the history of room " + room, failure);
                        }
                        return history(room, reply);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("read the history of room " + room, e));
        }
    }

    @Override
    public void close() {
        if (link.connected()) {
            presence.leaveAll();
        }
        events.shutdownNow();
        link.close();
        wire.close();
    }

    // ---- repair: on the event thread ---------------------------------------------------

    private void readForRepair(RoomFeed feed, long since) {
        history(feed.room(), since, REPAIR_BATCH).whenComplete((history, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "cannot repair room " + feed.room() + " from history yet", failure);
            }
            events.execute(guarded("repair", () -> {
                feed.repaired(failure == null ? history : null);
            }));
        });
    }

    /** Beats this node's heart, then reaps in its rooms the members of nodes that stopped beating. */
    private void beat() {
        if (!link.connected()) {
            return;
        }
        presence.beat().whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, "heartbeat failed", failure);
                return;
            }
            events.execute(guarded("reap", () -> feeds.values().forEach(feed ->
                    presence.reapDead(feed.room(), feed.elsewhere()))));
        });
    }

    /** The link came back: what each room missed meanwhile, in messages and in members, is put right. */
    private void reconcile(RoomFeed feed) {
        feed.linkBack();
        snapshot(feed.room()).whenComplete((snapshot, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, "cannot reconcile the members of room " + feed.room() + " yet", failure);
                return;
            }
            presence.restore(feed.room(), snapshot.members());
            List<Member> others = presence.othersAlive(feed.room(), snapshot.members());
            events.execute(guarded("reconcile", () -> feed.reconcile(others)));
        });
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private void unsubscribeChannel(String room) {
        try {
            link.pubsub().unsubscribe(RedisKeys.channel(room)).whenComplete((ok, failure) -> {
                if (failure != null) {
                    // Lettuce keeps the channel for its next reconnection; the listener drops it then.
                    LOG.fine(() -> "unsubscribe from room " + room + " failed: " + failure);
                }
            });
        } catch (BrokerUnavailableException e) {
            LOG.fine(() -> "no Redis link to unsubscribe from room " + room);
        }
    }

    private History history(String room, List<Object> reply) {
        List<Outbound.Message> messages = new ArrayList<>((reply.size() - 2) / 2);
        for (int i = 2; i + 1 < reply.size(); i += 2) {
            messages.add(wire.decode(room, number(reply.get(i)), text(reply.get(i + 1))));
        }
        return new History(text(reply.get(0)), number(reply.get(1)), messages);
    }

    /** What {@code room-snapshot.lua} read: the room's position, presence sequence and members (id to name). */
    private record Snapshot(RoomState at, long presenceSeq, Map<String, String> members) {
    }

    private CompletionStage<Snapshot> snapshot(String room) {
        try {
            return RedisScripts.SNAPSHOT.run(link.commands(), RedisKeys.room(room), newEpoch(), Long.toString(historyMillis))
                    .thenApply(reply -> {
                        Map<String, String> members = new LinkedHashMap<>();
                        for (int i = 3; i + 1 < reply.size(); i += 2) {
                            members.put(text(reply.get(i)), text(reply.get(i + 1)));
                        }
                        return new Snapshot(new RoomState(text(reply.get(0)), number(reply.get(1))),
                                number(reply.get(2)), members);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private String newEpoch() {
        return Long.toString(random.nextLong() >>> 1, 36);
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(RedisLink.COMMAND_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for Redis", e);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("reach Redis", e);
        }
    }

    private static BrokerUnavailableException unavailable(String what, Throwable cause) {
        Throwable root = cause instanceof CompletionException || cause instanceof ExecutionException
                ? cause.getCause() : cause;
        return root instanceof BrokerUnavailableException known ? known
                : new BrokerUnavailableException("cannot " + what + ": " + root, root);
    }

    /** A task for the event thread that logs what it throws: an executor would keep it silently in a future. */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "the Redis broker's " + what + " task failed", e);
            }
        };
    }

    /** Lettuce's pub/sub callbacks, on its I/O threads: decoded there, then handed to the event thread. */
    private final class Listener extends RedisPubSubAdapter<String, String> {

        @Override
        public void message(String channel, String payload) {
            if (channel.equals(RedisKeys.classicChannel())) {
                events.execute(guarded("classic", () -> sink.classic(payload)));
                return;
            }
            if (queries.handle(channel, payload)) {
                return;
            }
            String room = RedisKeys.roomOf(channel);
            RedisWire.SequencedPresence change = room == null ? null : wire.decodePresence(payload);
            if (change != null) {
                if (!presence.isLocal(change.change().member().id())) {
                    events.execute(guarded("presence", () -> {
                        RoomFeed feed = feeds.get(room);
                        if (feed != null) {
                            feed.onPresence(change.seq(), change.change());
                        }
                    }));
                }
                return;
            }
            ByteBuffer binary = room == null ? null : wire.decodeBinary(payload);
            if (binary != null) {
                events.execute(guarded("binary", () -> {
                    if (feeds.containsKey(room)) {
                        sink.binary(room, binary);
                    }
                }));
                return;
            }
            Published message = room == null ? null : wire.decodePublished(room, payload);
            if (message == null) {
                LOG.warning(() -> "ignored a payload on channel " + channel + " that is not a Herald message");
                return;
            }
            events.execute(guarded("message", () -> {
                RoomFeed feed = feeds.get(room);
                if (feed != null) {
                    feed.onMessage(message);
                }
            }));
        }

        /** Also called when Lettuce resubscribes after a reconnection: what was published meanwhile is repaired. */
        @Override
        public void subscribed(String channel, long count) {
            String room = RedisKeys.roomOf(channel);
            if (room == null) {
                return;
            }
            events.execute(guarded("resubscribed", () -> {
                RoomFeed feed = feeds.get(room);
                if (feed != null) {
                    reconcile(feed);
                } else {
                    synchronized (subscriptions) {
                        if (!subscriptions.containsKey(room)) {
                            unsubscribeChannel(room); // left while the link was down
                        }
                    }
                }
            }));
        }
    }
}
