package dev.herald.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * What a {@link ReconnectingClient} tells the application about its connection. Every method is called on the
 * client's own thread, in order; it should return quickly (frames wait meanwhile). Each has an empty default.
 */
public interface SessionListener {

    /** Ignores everything. */
    SessionListener NONE = new SessionListener() {
    };

    /** A connection is open: the first one ({@code again} false) or a reconnect ({@code again} true). */
    default void connected(URI uri, boolean again) {
    }

    /**
     * The connection ended with {@code cause}, and reconnect number {@code attempt} (1, 2, … until a connection
     * delivers a frame) starts after {@code delay}. {@code failure} is why the previous attempt could not connect
     * (unreachable, or a handshake answered with HTTP 5xx), or {@code null} when there was none or it connected.
     */
    default void reconnecting(Duration delay, CloseStatus cause, IOException failure, int attempt) {
    }

    /** After a reconnect to a room: nothing was lost; the {@code missed} messages follow, then live traffic. */
    default void resumed(long missed) {
    }

    /** After a reconnect to a room: the messages published while away are gone; live traffic follows. */
    default void historyLost() {
    }

    /**
     * No more reconnects: the connection ended with {@code last}, a code that a reconnect would only repeat, or a
     * reconnect was refused by the server with an HTTP 4xx ({@code refusal}, otherwise {@code null}).
     */
    default void gaveUp(CloseStatus last, IOException refusal) {
    }
}
