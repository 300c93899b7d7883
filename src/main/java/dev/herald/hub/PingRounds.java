package dev.herald.hub;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The payloads of the hub's ping rounds. Each round's ping carries 8 fresh random bytes, and only a pong that echoes
 * the latest round's (or the one before, for a pong still on its way) shows that the client reads what it is sent.
 * Any other pong is unsolicited: it costs its sender rate like any frame, and does not count as life, so a client
 * that writes but never reads cannot keep itself from the idle close.
 */
final class PingRounds {

    private static final int PAYLOAD_BYTES = 8;

    private final SecureRandom random = new SecureRandom();
    private volatile byte[] current = new byte[0];
    private volatile byte[] previous = new byte[0];

    /**
     * Starts a round: its payload, a fresh buffer that no one writes to (not read-only: see {@code Frame.ping}).
     * Called by the heartbeat thread only.
     */
    ByteBuffer next() {
        byte[] payload = new byte[PAYLOAD_BYTES];
        random.nextBytes(payload);
        previous = current;
        current = payload;
        return ByteBuffer.wrap(payload);
    }

    /** {@code true} if {@code pong} echoes the latest round's payload or the one before. */
    boolean answers(ByteBuffer pong) {
        byte[] echoed = new byte[pong.remaining()];
        pong.duplicate().get(echoed);
        return echoed.length == PAYLOAD_BYTES && (Arrays.equals(echoed, current) || Arrays.equals(echoed, previous));
    }
}
