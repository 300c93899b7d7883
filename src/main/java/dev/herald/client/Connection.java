package dev.herald.client;

import jakarta.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A conversation with a Herald endpoint as an application sees it, whether it is one connection
 * ({@link HeraldClient}) or one that reconnects by itself ({@link ReconnectingClient}).
 */
public interface Connection extends AutoCloseable {

    /** The subprotocol the server selected, or an empty string. */
    String subprotocol();

    /** Sends a text frame and waits until it is written; an IOException when it cannot be. */
    void sendText(String text) throws IOException;

    /** Sends a binary frame and waits until it is written; an IOException when it cannot be. */
    void sendBinary(byte[] data) throws IOException;

    /**
     * Sends a room's {@code refresh} frame: {@code token} is the JWT alone, the same that would follow
     * {@code herald.bearer.} in the handshake. The server answers {@code refreshed} (the session now ends at the new
     * token's {@code exp}) or {@code error} {@code unauthorized}, like any other frame. A reconnecting connection
     * still offers the token of its {@link ClientOptions} when it reconnects.
     */
    default void refresh(String token) throws IOException {
        sendText(Json.createObjectBuilder().add("type", "refresh").add("token", token).build().toString());
    }

    /** The next received frame, or {@code null} when none arrives within {@code timeout}. */
    Frame next(Duration timeout) throws InterruptedException;

    /** How the conversation ended, once it has. */
    CompletableFuture<CloseStatus> closeStatus();

    /** Closes normally (1000); a reconnecting connection also stops reconnecting. */
    @Override
    void close() throws IOException;

    /**
     * Waits for the conversation to end.
     *
     * @throws TimeoutException when it is still going on after {@code timeout}
     */
    default CloseStatus awaitClose(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return closeStatus().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the close future never fails", e);
        }
    }
}
