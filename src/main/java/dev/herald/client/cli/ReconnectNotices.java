package dev.herald.client.cli;

import dev.herald.client.CloseStatus;
import dev.herald.client.SessionListener;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/** Tells the person at the terminal, on stderr and in words, how the interactive session keeps its connection. */
final class ReconnectNotices implements SessionListener {

    private final PrintStream err;
    private final boolean room;

    /** @param room true for a room, false for the classic endpoint (which keeps no history to resume) */
    ReconnectNotices(PrintStream err, boolean room) {
        this.err = err;
        this.room = room;
    }

    @Override
    public void connected(URI uri, boolean again) {
        // A room says how it came back once its welcome arrives; the classic chat has nothing more to say.
        if (again && !room) {
            err.println("herald: back (the classic chat keeps no history)");
        }
    }

    @Override
    public void reconnecting(Duration delay, CloseStatus cause, IOException failure, int attempt) {
        String why = failure == null ? CloseWords.describe(cause) : "still no connection (" + root(failure) + ")";
        err.println("herald: " + why + "; reconnecting in " + seconds(delay) + " s…"
                + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
    }

    @Override
    public void resumed(long missed) {
        err.println("herald: back: " + missed + " missed " + (missed == 1 ? "message" : "messages") + " recovered");
    }

    @Override
    public void historyLost() {
        err.println("herald: back, but the room's history was lost");
    }

    @Override
    public void gaveUp(CloseStatus last, IOException refusal) {
        // A close that stops the session is shown by the session itself, as any close; a refusal is not a close.
        if (refusal != null) {
            err.println("herald: reconnecting stopped: " + refusal.getMessage());
        }
    }

    /** The innermost message, e.g. {@code Connection refused}, without the URL the reader already knows. */
    private static String root(Throwable error) {
        Throwable root = error;
        for (int depth = 0; root.getCause() != null && depth < 20; depth++) {
            root = root.getCause();
        }
        return FramePrinter.safe(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }

    /** 1.3 for 1 300 ms: one decimal, a dot whatever the locale, as the rest of the CLI's output. */
    static String seconds(Duration delay) {
        return String.format(Locale.ROOT, "%.1f", delay.toMillis() / 1000.0);
    }
}
