package dev.herald.hub;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's running totals beside the engine's: connections opened and closed (by close code), messages
 * published from this node, resumes (recovered or not), broker failures and HTTP API answers. Read by {@code /metrics}.
 */
public final class Activity {

    private final LongAdder opened = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> closed = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private final LongAdder recovered = new LongAdder();
    private final LongAdder notRecovered = new LongAdder();
    private final LongAdder brokerErrors = new LongAdder();
    private final ConcurrentHashMap<ApiAnswer, LongAdder> api = new ConcurrentHashMap<>();

    /** One kind of HTTP API answer: the request's method and the answer's status. */
    public record ApiAnswer(String method, int status) implements Comparable<ApiAnswer> {

        @Override
        public int compareTo(ApiAnswer other) {
            int byMethod = method.compareTo(other.method);
            return byMethod != 0 ? byMethod : Integer.compare(status, other.status);
        }
    }

    /** A copy of the totals; {@code closedByCode} is sorted by code. */
    public record Snapshot(long opened, Map<Integer, Long> closedByCode, long published, long recovered,
                           long notRecovered, long brokerErrors, Map<ApiAnswer, Long> apiAnswers) {
    }

    void opened() {
        opened.increment();
    }

    void closed(int code) {
        closed.computeIfAbsent(code, key -> new LongAdder()).increment();
    }

    void published() {
        published.increment();
    }

    void resumed(boolean wasRecovered) {
        (wasRecovered ? recovered : notRecovered).increment();
    }

    void brokerError() {
        brokerErrors.increment();
    }

    /** The HTTP API answered a request. */
    public void apiAnswered(String method, int status) {
        api.computeIfAbsent(new ApiAnswer(method, status), key -> new LongAdder()).increment();
    }

    public Snapshot snapshot() {
        Map<Integer, Long> byCode = new TreeMap<>();
        closed.forEach((code, count) -> byCode.put(code, count.sum()));
        Map<ApiAnswer, Long> answers = new TreeMap<>();
        api.forEach((answer, count) -> answers.put(answer, count.sum()));
        return new Snapshot(opened.sum(), byCode, published.sum(), recovered.sum(), notRecovered.sum(),
                brokerErrors.sum(), answers);
    }
}
