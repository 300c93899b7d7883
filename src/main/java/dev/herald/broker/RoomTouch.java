package dev.herald.broker;

import static dev.herald.broker.ScriptReplies.number;
import static dev.herald.broker.ScriptReplies.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The periodic touch of every room with members on this node: it keeps the room's keys alive in Redis, and reads
 * where the room stands, so that a feed that fell behind silently (a message lost on the way) is repaired. One
 * script call covers {@value #BATCH} rooms, so that a node with tens of thousands of rooms costs Redis, and itself,
 * a few calls a touch, not one each.
 */
final class RoomTouch {

    private static final Logger LOG = Logger.getLogger(RoomTouch.class.getName());
    /** Most rooms one call covers: Redis runs a script without serving anyone else meanwhile. */
    static final int BATCH = 500;

    /**
     * How often each room is touched: ten times in a room's lifetime ({@code history-seconds}), between every second
     * and every 30 s. Each touch costs Redis about six operations a room, so at the default 300 s a node's 15 000
     * idle rooms cost 3 000 operations a second, not the 18 000 of a touch every 5 s.
     */
    static long periodMillis(long historyMillis) {
        return Math.max(1_000, Math.min(30_000, historyMillis / 10));
    }

    private final RedisLink link;
    private final long historyMillis;
    private final Supplier<String> newEpoch;
    private final Supplier<Collection<RoomFeed>> feeds;
    private final BiConsumer<String, Runnable> onEventThread;

    /**
     * @param newEpoch      the epoch a room gets if Redis has forgotten it
     * @param feeds         the rooms with members here, as they are at each touch
     * @param onEventThread runs a named task on the broker's event thread, where feeds are checked
     */
    RoomTouch(RedisLink link, long historyMillis, Supplier<String> newEpoch, Supplier<Collection<RoomFeed>> feeds,
              BiConsumer<String, Runnable> onEventThread) {
        this.link = link;
        this.historyMillis = historyMillis;
        this.newEpoch = newEpoch;
        this.feeds = feeds;
        this.onEventThread = onEventThread;
    }

    /** Touches every room, a batch a call; each room's feed then checks its position on the event thread. */
    void touchAll() {
        if (!link.connected()) {
            return;
        }
        List<RoomFeed> all = List.copyOf(feeds.get());
        for (int from = 0; from < all.size(); from += BATCH) {
            List<RoomFeed> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            positions(batch.stream().map(RoomFeed::room).toList()).whenComplete((states, failure) -> {
                if (failure != null) {
                    LOG.log(Level.FINE, "touch of " + batch.size() + " rooms failed; the next touch tries again", failure);
                    return;
                }
                for (int i = 0; i < batch.size(); i++) {
                    RoomFeed feed = batch.get(i);
                    RoomState at = states.get(i);
                    onEventThread.accept("check", () -> feed.check(at));
                }
            });
        }
    }

    /** Where each of {@code rooms} stands, in their order, in one script call. */
    private CompletionStage<List<RoomState>> positions(List<String> rooms) {
        String[] keys = new String[3 * rooms.size()];
        String[] args = new String[1 + rooms.size()];
        args[0] = Long.toString(historyMillis);
        for (int i = 0; i < rooms.size(); i++) {
            String[] room = RedisKeys.room(rooms.get(i));
            System.arraycopy(room, 0, keys, 3 * i, 3); // meta, history, members: the channel is not needed
            args[1 + i] = newEpoch.get();
        }
        try {
            return RedisScripts.POSITIONS.run(link.commands(), keys, args).thenApply(reply -> {
                List<RoomState> states = new ArrayList<>(rooms.size());
                for (int i = 0; i < rooms.size(); i++) {
                    states.add(new RoomState(text(reply.get(2 * i)), number(reply.get(2 * i + 1))));
                }
                return states;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
