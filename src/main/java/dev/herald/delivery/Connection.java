package dev.herald.delivery;

import dev.herald.protocol.Closure;
import java.nio.ByteBuffer;
import java.util.List;

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

    /**
     * {@code true} when this transport takes several text and binary frames at once and writes them together
     * ({@link #sendBatch}): the queue then hands over all its waiting frames, up to a batch's size, in one call.
     * Checked only when {@link #writesWireFrames()} is {@code false}.
     */
    default boolean writesBatches() {
        return false;
    }

    /**
     * The most frames one write may carry ({@link #sendWire} or {@link #sendBatch}): a runtime's write may slow down
     * with very many buffers at once. Pre-framed bytes are one buffer, however many frames.
     */
    default int maxBatchFrames() {
        return Integer.MAX_VALUE;
    }

    /**
     * Sends {@code frames} (text and binary only, in this order) and reports once, through {@code done}, when all
     * of them are written or as soon as one failed.
     *
     * @throws UnsupportedOperationException unless {@link #writesBatches()}
     */
    default void sendBatch(List<Frame> frames, SendCallback done) {
        throw new UnsupportedOperationException("this connection does not write frames in batches");
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
