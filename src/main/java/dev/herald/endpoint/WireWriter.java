package dev.herald.endpoint;

import dev.herald.delivery.Connection.SendCallback;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;

/**
 * A runtime-specific way to write pre-framed bytes to a session, which the WebSocket API does not offer. The
 * bootstrap installs one ({@link RunningHub#install(dev.herald.hub.Hub, boolean)}) unless {@code raw-frames}
 * is off; a session it cannot write to sends its frames through {@code getAsyncRemote()}, in batches where
 * {@link StandardBatches} applies.
 */
public interface WireWriter {

    /** {@code true} when this writer can write to {@code session} (its runtime has what the writer needs). */
    boolean canWrite(Session session);

    /**
     * Writes {@code frames} (complete server frames, back to back) to {@code session} without blocking, and
     * reports the end of the write through {@code done}, exactly once.
     */
    void write(Session session, ByteBuffer frames, SendCallback done);
}
