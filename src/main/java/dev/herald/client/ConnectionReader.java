package dev.herald.client;

import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads one connection of a {@link ReconnectingClient} to its end: hands its frames on, each room message once,
 * reports each room {@code welcome}, and gives the connection up when it falls silent (see {@link Liveness}).
 * Used by the client's reader thread only.
 */
final class ConnectionReader {

    /** Looked up once: every {@code Json.createX} call searches the class path for it again (0.2 to 0.7 ms here). */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final Logger LOG = Logger.getLogger(ConnectionReader.class.getName());
    private static final Duration POLL = Duration.ofMillis(250);

    /** Null for the classic endpoint, which keeps no history. */
    private final ResumeCursor cursor;
    private final BlockingQueue<Frame> received;
    private final Consumer<ResumeCursor.Welcome> welcomed;

    /**
     * @param cursor   the room's place in its history, {@code null} for the classic endpoint
     * @param received where frames are handed on to the application
     * @param welcomed told what each room {@code welcome} said, after the welcome is handed on
     */
    ConnectionReader(ResumeCursor cursor, BlockingQueue<Frame> received, Consumer<ResumeCursor.Welcome> welcomed) {
        this.cursor = cursor;
        this.received = received;
        this.welcomed = welcomed;
    }

    /**
     * Hands on {@code connection}'s frames until it ends or falls silent; returns how it ended.
     *
     * @param heard called for each frame handed on (the connection works)
     */
    CloseStatus read(HeraldClient connection, Runnable heard) throws InterruptedException {
        Liveness liveness = new Liveness(Liveness.DEFAULT_HEARTBEAT);
        while (true) {
            Frame frame = connection.next(POLL);
            if (frame != null) {
                heard.run();
                deliver(frame, liveness);
            } else if (connection.closeStatus().isDone()) {
                // The connection queues every frame before it records the close: take what is left.
                while ((frame = connection.next(Duration.ZERO)) != null) {
                    deliver(frame, liveness);
                }
                return connection.closeStatus().join();
            } else {
                switch (liveness.check(System.nanoTime(), connection.lastHeard())) {
                    case PING -> ping(connection);
                    case DEAD -> {
                        // The link is gone without a close; close in the background, a write may hang on it.
                        CompletableFuture.runAsync(() -> abandon(connection, 1001));
                        return new CloseStatus(CloseStatus.ABNORMAL,
                                "nothing heard for " + liveness.deadline().toSeconds() + " s");
                    }
                    case ALIVE -> {
                        // nothing to do: frames or pongs arrive in time
                    }
                }
            }
        }
    }

    private static void ping(HeraldClient connection) {
        try {
            connection.sendPing();
        } catch (IOException e) {
            // The connection is closing: its close status, read on the next turn, says how it ended.
            LOG.log(Level.FINE, "ping failed", e);
        }
    }

    /** Closes a connection nobody will read any more; a failure there changes nothing. */
    static void abandon(HeraldClient connection, int code) {
        try {
            connection.close(code, "");
        } catch (IOException | RuntimeException e) {
            // The connection is being given up already; a failed close changes nothing but is worth a trace.
            LOG.log(Level.FINE, "closing a dead connection failed", e);
        }
    }

    /** Queues a frame for the application, after the room's bookkeeping: welcome outcomes and duplicates. */
    private void deliver(Frame frame, Liveness liveness) {
        JsonObject object = cursor != null && frame instanceof Frame.Text text ? parse(text.text()) : null;
        String type = object == null ? "" : object.getString("type", "");
        if (type.equals("message") && !cursor.accept(object)) {
            LOG.fine(() -> "dropped a duplicate message, offset " + object.get("offset"));
            return;
        }
        received.add(frame);
        if (type.equals("welcome")) {
            liveness.heartbeat(Duration.ofSeconds(object.getInt("heartbeatSeconds", 25)));
            welcomed.accept(cursor.welcome(object));
        }
    }

    private static JsonObject parse(String text) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            return reader.read() instanceof JsonObject object ? object : null;
        } catch (JsonException e) {
            // Not JSON (the server would not send it): it is handed on as it came, without bookkeeping.
            LOG.log(Level.FINE, "a room frame that is not JSON", e);
            return null;
        }
    }
}
