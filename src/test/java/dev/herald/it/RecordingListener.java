package dev.herald.it;

import dev.herald.client.CloseStatus;
import dev.herald.client.SessionListener;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Records a ReconnectingClient's events as short lines ({@code reconnecting 1012}, {@code connected again},
 * {@code resumed 5}, {@code lost}, {@code gave up 1008}) that a test can wait for.
 */
final class RecordingListener implements SessionListener {

    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> all = new CopyOnWriteArrayList<>();

    private void record(String event) {
        all.add(event);
        pending.add(event);
    }

    @Override
    public void connected(URI uri, boolean again) {
        record(again ? "connected again " + uri : "connected " + uri);
    }

    @Override
    public void reconnecting(Duration delay, CloseStatus cause, IOException failure, int attempt) {
        record("reconnecting " + cause.code() + " attempt " + attempt + " in " + delay.toMillis() + " ms"
                + (failure == null ? "" : " after " + failure.getMessage()));
    }

    @Override
    public void resumed(long missed) {
        record("resumed " + missed);
    }

    @Override
    public void historyLost() {
        record("lost");
    }

    @Override
    public void gaveUp(CloseStatus last, IOException refusal) {
        record("gave up " + last.code() + (refusal == null ? "" : " refused " + refusal.getMessage()));
    }

    /** The next event matching {@code regex} (earlier ones are skipped); fails after {@code timeout}. */
    String await(String regex, Duration timeout) throws InterruptedException {
        Pattern wanted = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            String event = pending.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && wanted.matcher(event).find()) {
                return event;
            }
        }
        throw new AssertionError("no event matching /" + regex + "/ within " + timeout + "; events: " + all);
    }

    List<String> all() {
        return List.copyOf(all);
    }
}
