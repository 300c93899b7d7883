package dev.herald.client.cli;

import dev.herald.client.CloseStatus;
import dev.herald.client.Connection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The interactive session: each line read from stdin is sent (published, in a room), each received frame is
 * printed, and the session ends at end of input, {@code /quit}, or when the connection ends for good (a close that
 * is not worth a reconnect), in words. At end of
 * input in a room it first waits for the acknowledgements of what it published, so that
 * {@code echo hi | herald-cli --room lobby …} shows the message before it leaves.
 */
final class Interactive {

    static final String HELP = """
            Type a line and press Enter to send it. Commands:
              /who       list the room's members (rooms only)
              /ping      ask the server for a pong (rooms only)
              /raw JSON  send JSON exactly as typed (rooms only)
              /quit      leave (so does Ctrl-D)
              //text     send "/text"
            """;
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long to wait for the server to answer our close, or to acknowledge our last messages, before leaving. */
    private static final long GRACE_NANOS = Duration.ofSeconds(5).toNanos();

    private final Connection client;
    private final Receiver receiver;
    private final boolean room;
    private final BufferedReader in;
    private final PrintStream err;
    private final AtomicInteger refs = new AtomicInteger();
    private final Set<String> unacknowledged = ConcurrentHashMap.newKeySet();
    private volatile long inputEndedAt;
    private volatile boolean inputEnded;
    private volatile long leftAt;
    private volatile boolean leaving;

    Interactive(Connection client, Receiver receiver, boolean room, BufferedReader in, PrintStream err) {
        this.client = client;
        this.receiver = receiver;
        this.room = room;
        this.in = in;
        this.err = err;
    }

    /** Runs until the session ends; returns {@link Exit#OK} when the user left, {@link Exit#CLOSED} otherwise. */
    int run() throws InterruptedException {
        // stdin blocks without a timeout, so it has its own daemon thread; printing stays on this one.
        Thread reader = new Thread(this::readInput, "herald-cli-stdin");
        reader.setDaemon(true);
        reader.start();
        // Runs as long as the connection lives: each turn waits at most POLL, and the server's idle
        // timeout or our close (with its grace period) ends the connection.
        while (true) {
            FramePrinter.Shown shown = receiver.take(POLL);
            if (shown != null) {
                if (shown.ref() != null && ("ack".equals(shown.type()) || "error".equals(shown.type()))) {
                    unacknowledged.remove(shown.ref());
                }
            } else if (receiver.closed()) {
                while (receiver.take(Duration.ZERO) != null) {
                    // print what arrived before the close
                }
                return ended(client.closeStatus().join());
            } else if (leaving && System.nanoTime() - leftAt > GRACE_NANOS) {
                err.println("herald: the server did not answer the close; leaving anyway");
                return Exit.OK;
            }
            if (inputEnded && !leaving
                    && (unacknowledged.isEmpty() || System.nanoTime() - inputEndedAt > GRACE_NANOS)) {
                leave();
            }
        }
    }

    private int ended(CloseStatus status) {
        if (leaving) {
            return Exit.OK;
        }
        err.println("herald: connection closed by the server: " + CloseWords.describe(status));
        return Exit.CLOSED;
    }

    private void readInput() {
        try {
            String line;
            while (!leaving && (line = in.readLine()) != null) {
                if (!handle(line)) {
                    break;
                }
            }
        } catch (IOException e) {
            err.println("herald: cannot read input: " + e.getMessage());
        }
        // The main loop leaves once the server has acknowledged what was published (or after a grace period).
        inputEndedAt = System.nanoTime();
        inputEnded = true;
    }

    /** Sends or runs one line; false when the user asked to quit. */
    private boolean handle(String line) {
        if (line.isBlank()) {
            return true;
        }
        if (line.startsWith("/") && !line.startsWith("//")) {
            return command(line.strip());
        }
        String text = line.startsWith("//") ? line.substring(1) : line;
        if (room) {
            String ref = nextRef();
            unacknowledged.add(ref);
            if (!send(RoomFrames.publish(text, ref))) {
                unacknowledged.remove(ref);
            }
        } else {
            send(text);
        }
        return true;
    }

    private boolean command(String line) {
        String name = line.split("\\s+", 2)[0];
        switch (name) {
            case "/quit" -> {
                leave();
                return false;
            }
            case "/help" -> err.print(HELP);
            case "/who", "/ping", "/raw" -> {
                if (!room) {
                    err.println("herald: " + name + " works in rooms only (--room)");
                } else if (name.equals("/who")) {
                    send(RoomFrames.presence());
                } else if (name.equals("/ping")) {
                    send(RoomFrames.ping(nextRef()));
                } else {
                    send(line.substring(name.length()).strip());
                }
            }
            default -> err.println("herald: unknown command " + FramePrinter.safe(name) + "; /help lists them");
        }
        return true;
    }

    /** Sends a frame; false (and says so) when it did not go out, for example while reconnecting. */
    private boolean send(String frame) {
        try {
            client.sendText(frame);
            return true;
        } catch (IOException e) {
            // The main loop reports the close itself; this only says that the line did not go out.
            err.println("herald: not sent: " + e.getMessage());
            return false;
        }
    }

    private String nextRef() {
        return "cli-" + refs.incrementAndGet();
    }

    /** Starts the closing handshake once; the main loop waits for the server's answer. */
    void leave() {
        if (leaving) {
            return;
        }
        leftAt = System.nanoTime();
        leaving = true;
        try {
            client.close();
        } catch (IOException e) {
            err.println("herald: close failed: " + e.getMessage());
        }
    }
}
