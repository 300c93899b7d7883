package dev.herald.hub;

import dev.herald.protocol.Closure;
import dev.herald.protocol.Utf8;
import java.nio.ByteBuffer;

/**
 * One outbound frame, encoded once and shared by every recipient's queue. {@code bytes} is what it costs
 * against a queue's budget.
 */
record Frame(Kind kind, String text, ByteBuffer binary, Closure closure, int bytes) {

    /** {@code CLOSE} ends a queue: the connection is closed once every frame before it is written. */
    enum Kind { TEXT, BINARY, PING, CLOSE }

    /** Control frames are tiny; they still count a little so a flood of them cannot be free. */
    private static final int PING_BYTES = 16;

    static Frame text(String text) {
        return new Frame(Kind.TEXT, text, null, null, Utf8.length(text));
    }

    /** {@code data} is kept read-only; each send works on its own duplicate, so no bytes are copied. */
    static Frame binary(ByteBuffer data) {
        ByteBuffer shared = data.asReadOnlyBuffer();
        return new Frame(Kind.BINARY, null, shared, null, shared.remaining());
    }

    static Frame ping() {
        return new Frame(Kind.PING, null, null, null, PING_BYTES);
    }

    /** A close after the frames queued before it; it costs nothing against the budget. */
    static Frame close(Closure closure) {
        return new Frame(Kind.CLOSE, null, null, closure, 0);
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
