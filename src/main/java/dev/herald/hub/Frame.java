package dev.herald.hub;

import dev.herald.protocol.Closure;
import dev.herald.protocol.Utf8;
import java.nio.ByteBuffer;

/**
 * One outbound frame, encoded once and shared by every recipient's queue. {@code bytes} is what it costs
 * against a queue's budget.
 */
record Frame(Kind kind, String text, ByteBuffer binary, Closure closure, String key, int bytes) {

    /** {@code CLOSE} ends a queue: the connection is closed once every frame before it is written. */
    enum Kind { TEXT, BINARY, PING, CLOSE }

    /** Control frames are tiny; they still count a little so a flood of them cannot be free. */
    private static final int PING_BYTES = 16;

    static Frame text(String text) {
        return keyed(text, null);
    }

    /** A text frame with a conflation key: a lagging client in a {@code conflate} room keeps only the newest. */
    static Frame keyed(String text, String key) {
        return new Frame(Kind.TEXT, text, null, null, key, Utf8.length(text));
    }

    /** {@code data} is kept read-only; each send works on its own duplicate, so no bytes are copied. */
    static Frame binary(ByteBuffer data) {
        ByteBuffer shared = data.asReadOnlyBuffer();
        return new Frame(Kind.BINARY, null, shared, null, null, shared.remaining());
    }

    static Frame ping() {
        return new Frame(Kind.PING, null, null, null, null, PING_BYTES);
    }

    /** A close after the frames queued before it; it costs nothing against the budget. */
    static Frame close(Closure closure) {
        return new Frame(Kind.CLOSE, null, null, closure, null, 0);
    }

    void sendTo(Connection connection, Connection.SendCallback done) {
        switch (kind) {
            case TEXT -> connection.sendText(text, done);
            case BINARY -> connection.sendBinary(binary.duplicate(), done);
            case PING -> connection.sendPing(done);
            case CLOSE -> {
                connection.close(closure);
                done.completed(null);
            }
        }
    }
}
