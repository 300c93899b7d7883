package dev.herald.client;

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
