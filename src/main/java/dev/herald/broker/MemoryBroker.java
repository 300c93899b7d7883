package dev.herald.broker;

import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import java.util.List;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker of a single node, in memory: each room's order and history live in a {@link RoomLog}, and every
 * message is delivered to the sink on the publishing thread, under the room's order lock. A room's history
 * outlives its members for {@code history-seconds} after its last message; then a sweeper forgets it, and the
 * room starts again in a new epoch. A restart of the process loses every history, and every epoch with it.
 */
public final class MemoryBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(MemoryBroker.class.getName());
    private static final long MAX_SWEEP_SECONDS = 60;

    private final ConcurrentHashMap<String, RoomLog> logs = new ConcurrentHashMap<>();
    private final int historySize;
    private final long historyNanos;
    private final LongSupplier nanoClock;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService sweeper;
    private volatile BrokerSink sink;
    private final Claims claims = new Claims();

    /**
     * @param historySize    messages kept per room
     * @param historySeconds how long a message is kept, and a room without members after its last message
     */
    public MemoryBroker(int historySize, int historySeconds, String nodeId) {
        this(historySize, TimeUnit.SECONDS.toNanos(historySeconds), System::nanoTime, sweeper(nodeId));
        long period = Math.max(1, Math.min(MAX_SWEEP_SECONDS, historySeconds / 2));
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.SECONDS);
    }

    /** A broker on {@code nanoClock}, with no sweeper thread: the tests call {@link #sweep()} themselves. */
    MemoryBroker(int historySize, long historyNanos, LongSupplier nanoClock, ScheduledExecutorService sweeper) {
        this.historySize = historySize;
        this.historyNanos = historyNanos;
        this.nanoClock = nanoClock;
        this.sweeper = sweeper;
    }

    private static ScheduledExecutorService sweeper(String nodeId) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "herald-history-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void start(BrokerSink deliverTo) {
        this.sink = deliverTo;
    }

    @Override
    public Subscription subscribe(String room) {
        RoomLog log = live(room);
        log.subscribe();
        return new Subscription(log.state(), List.of()); // one node: nobody is elsewhere
    }

    @Override
    public CompletionStage<Void> relay(String room, ByteBuffer data) {
        sink.binary(room, data);
        return CompletableFuture.completedFuture(null);
    }

    /** One node: there is no other node to tell. */
    @Override
    public void joined(String room, Member member) {
    }

    @Override
    public void left(String room, Member member, LeaveReason reason) {
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public long classicNumber(LongSupplier nodeNumbers) {
        return nodeNumbers.getAsLong();
    }

    @Override
    public void classic(String text) {
        sink.classic(text);
    }

    @Override
    public void unsubscribe(String room) {
        RoomLog log = logs.get(room);
        if (log != null) {
            log.unsubscribe(nanoClock.getAsLong());
        }
    }

    @Override
    public CompletionStage<RoomState> publish(String room, Draft draft) {
        while (true) {
            RoomLog log = live(room);
            synchronized (log.order) {
                Outbound.Message message = log.append(room, draft, nanoClock.getAsLong());
                if (message == null) {
                    continue; // the sweeper retired this log just now: publish into the room's new one
                }
                sink.deliver(new Published(log.epoch(), message));
                return CompletableFuture.completedFuture(new RoomState(log.epoch(), message.offset()));
            }
        }
    }

    @Override
    public CompletionStage<List<String>> askOthers(String question) {
        return CompletableFuture.completedFuture(List.of()); // one node: nobody else to ask
    }

    @Override
    public CompletionStage<Optional<String>> claim(String key, long ttlMillis) {
        return CompletableFuture.completedFuture(claims.claim(key, ttlMillis, nanoClock.getAsLong()));
    }

    @Override
    public void settle(String key, String answer, long ttlMillis) {
        claims.settle(key, answer);
    }

    @Override
    public CompletionStage<History> history(String room, long since, int limit) {
        return CompletableFuture.completedFuture(live(room).read(since, limit, nanoClock.getAsLong()));
    }

    /** Rooms whose history is kept now, with or without members. */
    int rooms() {
        return logs.size();
    }

    /** Frees the expired: old messages in every room, and rooms with no members whose history has expired. */
    void sweep() {
        try {
            long now = nanoClock.getAsLong();
            for (String room : logs.keySet()) {
                logs.computeIfPresent(room, (name, log) -> {
                    log.trim(now);
                    return log.retireIfForgettable(now) ? null : log;
                });
            }
            claims.sweep(now);
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again; log it and keep the schedule alive.
            LOG.log(Level.SEVERE, "history sweep failed", e);
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /** The room's current log: a new one, in a new epoch, if it had none or its history has expired. */
    private RoomLog live(String room) {
        long now = nanoClock.getAsLong();
        return logs.compute(room, (name, log) -> log == null || log.retireIfForgettable(now)
                ? new RoomLog(newEpoch(), historySize, historyNanos, now) : log);
    }

    private String newEpoch() {
        return Long.toString(random.nextLong() >>> 1, 36);
    }
}
