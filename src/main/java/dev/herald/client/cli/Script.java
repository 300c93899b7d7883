package dev.herald.client.cli;

import dev.herald.client.Connection;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The scripting mode: send the {@code --send} texts {@code --count} times, then wait, until {@code --timeout},
 * for every room acknowledgement and for lines matching the {@code --expect} patterns in order.
 */
final class Script {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final Connection client;
    private final Receiver receiver;
    private final boolean room;
    private final PrintStream err;
    private final Set<String> unacknowledged = new LinkedHashSet<>();
    private List<Pattern> expected = List.of();
    private int matched;
    private String rejection;

    Script(Connection client, Receiver receiver, boolean room, PrintStream err) {
        this.client = client;
        this.receiver = receiver;
        this.room = room;
        this.err = err;
    }

    /**
     * @param texts    sent in order, {@code count} times; {@code {n}} becomes the round, 1 to {@code count}
     * @param interval pause between two sends, to stay under the server's rate limit on long runs
     * @param expect   patterns that received lines (as printed) must match, one line each, in order
     */
    int run(List<String> texts, int count, Duration interval, List<Pattern> expect, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        expected = expect;
        int sequence = 0;
        sending:
        for (int round = 1; round <= count; round++) {
            for (String template : texts) {
                String text = template.replace("{n}", Integer.toString(round));
                String frame = text;
                if (room) {
                    String ref = "cli-" + (++sequence);
                    unacknowledged.add(ref);
                    frame = RoomFrames.publish(text, ref);
                }
                try {
                    client.sendText(frame);
                } catch (IOException e) {
                    // The wait below tells whether the server closed (exit 4) or the link just died (timeout).
                    err.println("herald: sending stopped: " + e.getMessage());
                    break sending;
                }
                drain();
                if (rejection != null) {
                    break sending;
                }
                if (!interval.isZero()) {
                    Thread.sleep(interval.toMillis());
                }
            }
        }
        return finish(await(deadline));
    }

    /** Waits until the script is satisfied, a frame is refused, the connection ends, or the deadline passes. */
    private int await(long deadline) throws InterruptedException {
        // Bounded by the deadline: each turn waits at most POLL or the time left.
        while (true) {
            if (rejection != null) {
                err.println("herald: the server refused a frame: " + rejection);
                return Exit.REJECTED;
            }
            if (satisfied()) {
                return Exit.OK;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                err.println("herald: timed out waiting for " + missing());
                return Exit.TIMEOUT;
            }
            FramePrinter.Shown shown = receiver.take(Duration.ofNanos(Math.min(left, POLL.toNanos())));
            if (shown != null) {
                check(shown);
            } else if (receiver.closed()) {
                drain();
                if (satisfied() && rejection == null) {
                    return Exit.OK;
                }
                err.println("herald: connection closed by the server: "
                        + CloseWords.describe(client.closeStatus().join()));
                err.println("herald: still waiting for " + missing());
                return Exit.CLOSED;
            }
        }
    }

    /** Takes the frames already received, without waiting. */
    private void drain() throws InterruptedException {
        FramePrinter.Shown shown;
        while ((shown = receiver.take(Duration.ZERO)) != null) {
            check(shown);
        }
    }

    private void check(FramePrinter.Shown shown) {
        if ("ack".equals(shown.type())) {
            unacknowledged.remove(shown.ref());
        } else if ("error".equals(shown.type()) && unacknowledged.remove(shown.ref()) && rejection == null) {
            rejection = shown.line();
        }
        if (matched < expected.size() && shown.line() != null && expected.get(matched).matcher(shown.line()).find()) {
            matched++;
        }
    }

    private boolean satisfied() {
        return unacknowledged.isEmpty() && matched == expected.size();
    }

    private String missing() {
        StringBuilder what = new StringBuilder();
        if (matched < expected.size()) {
            what.append(expected.subList(matched, expected.size()).stream()
                    .map(pattern -> "/" + pattern.pattern() + "/").collect(Collectors.joining(", ", "lines matching ", "")));
        }
        if (!unacknowledged.isEmpty()) {
            what.append(what.length() > 0 ? " and " : "").append(unacknowledged.size()).append(" acknowledgement(s)");
        }
        return what.toString();
    }

    /** Leaves with a normal close, waiting briefly so the server sees it; the exit code is already decided. */
    private int finish(int code) throws InterruptedException {
        try {
            client.close();
            client.awaitClose(CLOSE_WAIT);
        } catch (IOException | TimeoutException e) {
            err.println("herald: the close did not complete: " + e.getMessage());
        }
        return code;
    }
}
