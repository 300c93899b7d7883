package dev.herald.broker;

import dev.herald.config.BrokerSettings;
import dev.herald.protocol.Outbound;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker of a cluster (protocol.md §7): every node shares each room's order and history through Redis. A
 * publish is one script that allocates the offset, appends to the room's capped history stream and publishes on
 * the room's channel; a node subscribes to that channel only while it has members in the room, and each room's
 * {@link RoomFeed} turns the channel into a gapless, ordered stream, repairing from history what pub/sub lost.
 *
 * <p>Threads: Lettuce's I/O threads hand every message and reply to this broker's one event thread, which runs
 * all the feeds and calls the sink; so deliveries are in order per room and never on a Redis I/O thread.
 */
public final class RedisBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class.getName());
    /** How often each room with members here is touched: its keys kept alive, and its position compared. */
    private static final long TOUCH_SECONDS = 5;
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
        this.link = new RedisLink(settings, nodeId, new Listener(), events);
    }

    @Override
    public void start(BrokerSink deliverTo) {
        this.sink = deliverTo;
        link.connect();
        events.scheduleWithFixedDelay(guarded("touch", this::touchAll), TOUCH_SECONDS, TOUCH_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Subscribes to the room's channel (on the first subscription here), then reads where the room stands, so that
     * every message after that position reaches the sink. Blocks for at most two Redis round trips.
     *
     * @throws BrokerUnavailableException when Redis does not answer
     */
    @Override
    public RoomState subscribe(String room) {
        CompletionStage<?> subscribed = null;
        RoomFeed feed;
        synchronized (subscriptions) {
            // Issued under the lock, so that this channel's SUBSCRIBE and UNSUBSCRIBE reach Redis in call order.
            if (subscriptions.merge(room, 1, Integer::sum) == 1) {
                feed = new RoomFeed(room, message -> sink.deliver(message), this::readForRepair);
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
            RoomState at = await(position(room));
            if (subscribed != null) {
                events.execute(guarded("start", () -> feed.start(at)));
            }
            return at;
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
    public CompletionStage<RoomState> publish(String room, Draft draft) {
        String[] keys = {RedisKeys.meta(room), RedisKeys.log(room), RedisKeys.channel(room)};
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
    public CompletionStage<History> history(String room, long since, int limit) {
        try {
            return RedisScripts.HISTORY.run(link.commands(), roomKeys(room), newEpoch(), Long.toString(historyMillis),
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
        events.shutdownNow();
        link.close();
        wire.close();
    }

    // ---- repair and touch: on the event thread ---------------------------------------------------

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

    /** Keeps the keys of every room with members here alive, and repairs a room whose feed fell behind silently. */
    private void touchAll() {
        if (!link.connected()) {
            return;
        }
        for (RoomFeed feed : feeds.values()) {
            position(feed.room()).whenComplete((at, failure) -> {
                if (failure == null) {
                    events.execute(guarded("check", () -> feed.check(at)));
                }
            });
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private CompletionStage<RoomState> position(String room) {
        try {
            return RedisScripts.POSITION.run(link.commands(), roomKeys(room), newEpoch(), Long.toString(historyMillis))
                    .thenApply(reply -> new RoomState(text(reply.get(0)), number(reply.get(1))));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

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

    private static String[] roomKeys(String room) {
        return new String[] {RedisKeys.meta(room), RedisKeys.log(room)};
    }

    private String newEpoch() {
        return Long.toString(random.nextLong() >>> 1, 36);
    }

    private static String text(Object value) {
        return String.valueOf(value);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
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
            String room = RedisKeys.roomOf(channel);
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
                    feed.linkBack();
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
