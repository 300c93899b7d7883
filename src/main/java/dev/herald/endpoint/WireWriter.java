package dev.herald.endpoint;

import dev.herald.delivery.Connection.SendCallback;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;

/**
 * A runtime-specific way to write pre-framed bytes to a session, which the WebSocket API does not offer. The
 * standalone server installs one for Tyrus ({@link RunningHub#install(dev.herald.hub.Hub, WireWriter)}); in a
 * container there is none, and every frame goes through {@code getAsyncRemote()}.
 */
@FunctionalInterface
public interface WireWriter {

    /**
     * Writes {@code frames} (complete server frames, back to back) to {@code session} without blocking, and
     * reports the end of the write through {@code done}, exactly once.
     */
    void write(Session session, ByteBuffer frames, SendCallback done);
}
