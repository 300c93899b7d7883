package dev.herald.hub;

import dev.herald.protocol.Utf8;
import java.nio.ByteBuffer;

/**
 * One outbound frame, encoded once and shared by every recipient's queue. {@code bytes} is what it costs
 * against a queue's budget.
 */
record Frame(Kind kind, String text, ByteBuffer binary, int bytes) {

    enum Kind { TEXT, BINARY, PING }

    /** Control frames are tiny; they still count a little so a flood of them cannot be free. */
    private static final int PING_BYTES = 16;

    static Frame text(String text) {
        return new Frame(Kind.TEXT, text, null, Utf8.length(text));
    }

    /** {@code data} is kept read-only; each send works on its own duplicate, so no bytes are copied. */
    static Frame binary(ByteBuffer data) {
        ByteBuffer shared = data.asReadOnlyBuffer();
        return new Frame(Kind.BINARY, null, shared, shared.remaining());
    }

    static Frame ping() {
        return new Frame(Kind.PING, null, null, PING_BYTES);
    }

    void sendTo(Connection connection, Connection.SendCallback done) {
        switch (kind) {
            case TEXT -> connection.sendText(text, done);
            case BINARY -> connection.sendBinary(binary.duplicate(), done);
            case PING -> connection.sendPing(done);
        }
    }
}
