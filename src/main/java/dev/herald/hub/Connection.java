package dev.herald.hub;

import dev.herald.protocol.Closure;
import java.nio.ByteBuffer;

/**
 * The hub's view of one client transport. Sends are asynchronous: each reports its end through
 * {@link SendCallback}, and the hub never starts a second send before the first has ended.
 */
public interface Connection {

    /** The peer's IP address, or {@code null} when the runtime does not tell. */
    String remoteAddress();

    void sendText(String text, SendCallback done);

    void sendBinary(ByteBuffer data, SendCallback done);

    void sendPing(SendCallback done);

    /** Starts the closing handshake with {@code closure}'s code and reason; never blocks. */
    void close(Closure closure);

    /** The end of one asynchronous send. */
    @FunctionalInterface
    interface SendCallback {
        /** @param failure {@code null} when the frame was written */
        void completed(Throwable failure);
    }
}
