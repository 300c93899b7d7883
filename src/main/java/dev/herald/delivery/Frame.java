package dev.herald.delivery;

import dev.herald.protocol.Closure;
import dev.herald.protocol.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One outbound frame, encoded once and shared by every recipient's queue. {@code bytes} is what it costs
 * against a queue's budget. Text, binary and ping frames also carry their {@code wire} form, the complete RFC 6455
 * frame as a server sends it (header and unmasked payload), built once per broadcast or ping round, for
 * connections that write pre-framed bytes ({@link Connection#writesWireFrames()}). Messages and binary data
 * remember when they were made ({@code madeNanos}, a {@link System#nanoTime()} reading; 0 for other frames), for
 * the delivery latency.
 */
public record Frame(Kind kind, String text, ByteBuffer binary, Closure closure, String key, int bytes, ByteBuffer wire,
                    boolean droppable, long madeNanos) {

    /** {@code CLOSE} ends a queue: the connection is closed once every frame before it is written. */
    public enum Kind { TEXT, BINARY, PING, CLOSE }

    /** Control frames are tiny; they still count a little so a flood of them cannot be free. */
    private static final int PING_BYTES = 16;
    private static final byte FIN_TEXT = (byte) 0x81;
    private static final byte FIN_BINARY = (byte) 0x82;
    private static final byte FIN_PING = (byte) 0x89;

    /**
     * A protocol text frame ({@code welcome}, {@code ack}, {@code error}, a classic line, …): the slow-consumer
     * policies never drop it, since a client that misses one cannot make sense of what follows.
     */
    public static Frame text(String text) {
        return text(text, null, false, 0);
    }

    /**
     * A room's {@code message}: a lagging client in a {@code drop-oldest} room may lose it (and is told how many it
     * lost), and in a {@code conflate} room keeps only the newest per {@code key} (when not {@code null}).
     */
    public static Frame message(String text, String key) {
        return text(text, key, true, System.nanoTime());
    }

    private static Frame text(String text, String key, boolean droppable, long madeNanos) {
        ByteBuffer payload = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        return new Frame(Kind.TEXT, text, null, null, key, Utf8.length(text), wireFrame(FIN_TEXT, payload), droppable,
                madeNanos);
    }

    /**
     * Relayed binary data, which the slow-consumer policies may drop like a message. {@code data} is copied once,
     * into a buffer Herald owns (the runtime's inbound buffer is the runtime's); each send works on its own
     * duplicate of that copy, so no bytes are copied per recipient. The copy is not read-only, and no one writes
     * to it: see {@link #ping}.
     */
    public static Frame binary(ByteBuffer data) {
        ByteBuffer shared = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return new Frame(Kind.BINARY, null, shared, null, null, shared.remaining(),
                wireFrame(FIN_BINARY, shared.duplicate()), true, System.nanoTime());
    }

    /**
     * A ping carrying {@code payload} (at most 125 bytes), shared by every recipient, each send on its own duplicate.
     * What the runtime's {@code sendPing}/{@code sendBinary} get must not be read-only: Open Liberty's transport
     * reads a heap buffer's backing array, which a read-only buffer refuses (measured on 26.0.0.3: a
     * ReadOnlyBufferException inside Liberty, and the frame never arrived). Herald never writes to these buffers.
     * <p>
     * The ping's wire form lets a pre-framed connection write it (alone: see {@code OutboundQueue.pump}) instead of
     * calling the runtime's {@code sendPing}. On Payara Micro that call is costly: its Tyrus restarts the session's
     * idle timer on every ping, even with no timeout set, and each restart scans the class path for context
     * providers (bench/README, "Payara's (b) tail: the ping round").
     */
    public static Frame ping(ByteBuffer payload) {
        return new Frame(Kind.PING, null, payload, null, null, PING_BYTES, wireFrame(FIN_PING, payload.duplicate()),
                false, 0);
    }

    /** A close after the frames queued before it; it costs nothing against the budget. */
    public static Frame close(Closure closure) {
        return new Frame(Kind.CLOSE, null, null, closure, null, 0, null, false, 0);
    }

    /** Text, binary and ping frames can be written as pre-framed bytes. */
    boolean hasWireForm() {
        return wire != null;
    }

    /** Text and binary frames: what a batch carries, pre-framed or of standard sends ({@link Connection#sendBatch}). */
    boolean isData() {
        return kind == Kind.TEXT || kind == Kind.BINARY;
    }

    void sendTo(Connection connection, Connection.SendCallback done) {
        switch (kind) {
            case TEXT -> connection.sendText(text, done);
            case BINARY -> connection.sendBinary(binary.duplicate(), done);
            case PING -> connection.sendPing(binary.duplicate(), done);
            case CLOSE -> {
                connection.close(closure);
                done.completed(null);
            }
        }
    }

    /**
     * A complete, final, unmasked frame: the first byte ({@code FIN} and the opcode), the payload length in 7,
     * 7+16 or 7+64 bits (RFC 6455 §5.2), then the payload. Read-only; each write uses a duplicate.
     */
    static ByteBuffer wireFrame(byte finAndOpcode, ByteBuffer payload) {
        int length = payload.remaining();
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length);
        frame.put(finAndOpcode);
        if (length <= 125) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        frame.put(payload).flip();
        return frame.asReadOnlyBuffer();
    }
}
