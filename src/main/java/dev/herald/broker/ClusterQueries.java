package dev.herald.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An operator's question to every other node, over Redis pub/sub ({@link Broker#askOthers}): the question goes out on
 * {@code herald:control}, which every node hears; each other node answers on the asker's own reply channel. The asker
 * knows how many answers to expect from {@code PUBLISH}'s count of receivers (itself included), and waits for them
 * at most {@value #WAIT_MILLIS} ms: a node that dies meanwhile costs the wait, not the answer of the others.
 */
final class ClusterQueries {

    private static final Logger LOG = Logger.getLogger(ClusterQueries.class.getName());
    static final long WAIT_MILLIS = 2_000;

    /** The answers to one question, complete once as many came as other nodes heard it. */
    private static final class Pending {

        final CompletableFuture<List<String>> done = new CompletableFuture<>();
        private final List<String> answers = new ArrayList<>();
        private long expected = -1;

        synchronized void expect(long count) {
            expected = count;
            completeIfAll();
        }

        synchronized void add(String answer) {
            answers.add(answer);
            completeIfAll();
        }

        synchronized void timeUp() {
            if (!done.isDone()) {
                LOG.warning(() -> "an operator's question had " + answers.size() + " of "
                        + (expected < 0 ? "?" : Long.toString(expected)) + " answers after " + WAIT_MILLIS
                        + " ms; going on with those");
            }
            done.complete(List.copyOf(answers));
        }

        private void completeIfAll() {
            if (expected >= 0 && answers.size() >= expected) {
                done.complete(List.copyOf(answers));
            }
        }
    }

    private final String nodeId;
    private final RedisLink link;
    private final ScheduledExecutorService events;
    private final Supplier<BrokerSink> sink;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();

    ClusterQueries(String nodeId, RedisLink link, ScheduledExecutorService events, Supplier<BrokerSink> sink) {
        this.nodeId = nodeId;
        this.link = link;
        this.events = events;
        this.sink = sink;
    }

    /** The channels this node must hear: everyone's questions, and the answers to its own. */
    String[] channels() {
        return new String[] {RedisKeys.questions(), RedisKeys.answers(nodeId)};
    }

    CompletionStage<List<String>> ask(String question) {
        long id = ids.incrementAndGet();
        Pending answers = new Pending();
        pending.put(id, answers);
        answers.done.whenComplete((all, failure) -> pending.remove(id));
        try {
            link.commands().publish(RedisKeys.questions(), nodeId + " " + id + " " + question)
                    .whenComplete((receivers, failure) -> {
                        if (failure != null) {
                            answers.done.completeExceptionally(
                                    new BrokerUnavailableException("cannot ask the other nodes: " + failure, failure));
                        } else {
                            answers.expect(Math.max(0, receivers - 1)); // every node heard it, this one too
                        }
                    });
        } catch (RuntimeException e) {
            answers.done.completeExceptionally(new BrokerUnavailableException("cannot ask the other nodes: " + e, e));
        }
        events.schedule(answers::timeUp, WAIT_MILLIS, TimeUnit.MILLISECONDS);
        return answers.done;
    }

    /** {@code true} if the payload was a question or an answer, now handled; called on Lettuce's I/O thread. */
    boolean handle(String channel, String payload) {
        if (channel.equals(RedisKeys.questions())) {
            String[] parts = payload.split(" ", 3);
            if (parts.length == 3 && !parts[0].equals(nodeId)) {
                events.execute(() -> answer(parts[0], parts[1], parts[2]));
            }
            return true;
        }
        if (channel.equals(RedisKeys.answers(nodeId))) {
            int space = payload.indexOf(' ');
            Pending answers = space < 0 ? null : pending.get(parseId(payload.substring(0, space)));
            if (answers != null) {
                answers.add(payload.substring(space + 1));
            }
            return true;
        }
        return false;
    }

    private void answer(String asker, String id, String question) {
        String answer;
        try {
            answer = sink.get().answer(question);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "could not answer an operator's question from node " + asker, e);
            return; // the asker's wait ends it
        }
        link.commands().publish(RedisKeys.answers(asker), id + " " + answer).whenComplete((receivers, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, "could not answer node " + asker, failure);
            }
        });
    }

    private static long parseId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            LOG.warning(() -> "ignored an answer with a malformed id: " + text);
            return -1;
        }
    }
}
