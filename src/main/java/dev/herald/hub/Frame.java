package dev.herald.hub;

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
        return new Frame(Kind.TEXT, text, null, utf8Length(text));
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

    /** UTF-8 length without allocating the encoded bytes. */
    static int utf8Length(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair, 2 chars already counted
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
