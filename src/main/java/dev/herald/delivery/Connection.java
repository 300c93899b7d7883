package dev.herald.delivery;

import dev.herald.protocol.Closure;
import java.nio.ByteBuffer;

/**
 * The hub's view of one client transport. Sends are asynchronous: each reports its end through
 * {@link SendCallback}, and the hub never starts a second send before the first has ended.
 */
public interface Connection {

    /** The runtime's id of this connection (the WebSocket session's), or {@code null} when it has none. */
    default String id() {
        return null;
    }

    /** The peer's IP address, or {@code null} when the runtime does not tell. */
    String remoteAddress();

    void sendText(String text, SendCallback done);

    void sendBinary(ByteBuffer data, SendCallback done);

    /** A ping with {@code payload} (at most 125 bytes), which the peer's pong must echo. */
    void sendPing(ByteBuffer payload, SendCallback done);

    /**
     * {@code true} when this transport can write pre-framed bytes ({@link #sendWire}). The queue then writes its
     * waiting text and binary frames together, as one socket write, instead of one write per frame.
     */
    default boolean writesWireFrames() {
        return false;
    }

    /**
     * Writes {@code frames}, one or more complete, unmasked server frames back to back, as one write.
     *
     * @throws UnsupportedOperationException unless {@link #writesWireFrames()}
     */
    default void sendWire(ByteBuffer frames, SendCallback done) {
        throw new UnsupportedOperationException("this connection does not write pre-framed bytes");
    }

    /** Starts the closing handshake with {@code closure}'s code and reason; never blocks. */
    void close(Closure closure);

    /** The end of one asynchronous send. */
    @FunctionalInterface
    interface SendCallback {
        /** @param failure {@code null} when the frame was written */
        void completed(Throwable failure);
    }
}
