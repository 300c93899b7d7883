package dev.herald.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A frame received from the server: text or binary. */
public sealed interface Frame {

    /** A text frame. */
    record Text(String text) implements Frame {
    }

    /** A binary frame; {@code data} is the client's own copy. */
    record Binary(byte[] data) implements Frame {

        @Override
        public boolean equals(Object other) {
            return other instanceof Binary binary && Arrays.equals(data, binary.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Binary[" + data.length + " bytes: " + new String(data, 0, Math.min(32, data.length),
                    StandardCharsets.ISO_8859_1) + "]";
        }
    }
}
