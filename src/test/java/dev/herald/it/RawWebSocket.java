package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client on a plain socket, for what real clients will not do: stop reading at the TCP level,
 * send oversized, fragmented, unmasked or malformed frames, or arbitrary bytes, send exactly the handshake
 * another client library sends.
 */
final class RawWebSocket implements AutoCloseable {

    static final int OP_CONTINUATION = 0;
    static final int OP_TEXT = 1;
    static final int OP_BINARY = 2;
    static final int OP_CLOSE = 8;
    static final int OP_PING = 9;
    static final int OP_PONG = 10;

    /** One received frame. For a close frame, {@link #closeCode()} reads its code. */
    record Received(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The payload as UTF-8, refusing what is not valid UTF-8 (which no server may send in a text frame). */
        String strictText() throws CharacterCodingException {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String handshakeResponse;

    private RawWebSocket(Socket socket, String handshakeResponse) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.handshakeResponse = handshakeResponse;
    }

    /**
     * Connects and upgrades. {@code receiveBuffer} > 0 shrinks the socket's receive buffer before connecting,
     * so that a client that stops reading stalls the server's writes soon.
     */
    static RawWebSocket open(URI uri, String origin, int receiveBuffer) throws IOException {
        return open(uri, origin, receiveBuffer, 15_000);
    }

    /** As {@link #open(URI, String, int)}, giving up on any read after {@code readTimeoutMillis}. */
    static RawWebSocket open(URI uri, String origin, int receiveBuffer, int readTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(readTimeoutMillis);
        String key = Base64.getEncoder().encodeToString(RANDOM.generateSeed(16));
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (origin != null) {
            request.append("Origin: ").append(origin).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String response = readHeaders(socket.getInputStream());
        if (!response.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + response.lines().findFirst().orElse(""));
        }
        return new RawWebSocket(socket, response);
    }

    String handshakeResponse() {
        return handshakeResponse;
    }

    void sendText(String text) throws IOException {
        sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one complete, masked frame, as a well-behaved client would. */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        sendFrame(true, 0, opcode, true, payload);
    }

    /**
     * Sends one frame exactly as described, valid or not: {@code fin} off starts or continues a fragmented
     * message, {@code rsv} sets the three reserved bits (0–7), {@code opcode} may be any 4-bit value, and
     * {@code masked} off sends the payload unmasked, which clients must never do.
     */
    void sendFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) throws IOException {
        sendRaw(frame(fin, rsv, opcode, masked, payload));
    }

    /** Writes {@code bytes} to the socket as they are, for frames no encoder would produce. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The wire form of one frame; see {@link #sendFrame(boolean, int, int, boolean, byte[])}. */
    static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0x0f);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        if (!masked) {
            frame.writeBytes(payload);
            return frame.toByteArray();
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        byte[] maskedPayload = payload.clone();
        for (int i = 0; i < maskedPayload.length; i++) {
            maskedPayload[i] ^= mask[i & 3];
        }
        frame.writeBytes(maskedPayload);
        return frame.toByteArray();
    }

    /** Starts the closing handshake with {@code code}, as a polite client leaves. */
    void sendClose(int code) throws IOException {
        sendFrame(OP_CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    /** Gives up on each later read after {@code millis} with a {@link java.net.SocketTimeoutException}. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /**
     * Sends {@code opcode} frames from a thread of its own, started here: at most 10 000 a second (not a busy loop),
     * until {@code seconds} have passed, {@code maxFrames} are sent, or the socket fails (the server closed it, or the
     * test did). On a thread of its own because a blocking send never returns once the server stops reading.
     *
     * @param sent counts the frames sent
     */
    Thread flood(int opcode, byte[] payload, int seconds, int maxFrames, java.util.concurrent.atomic.AtomicInteger sent) {
        Thread flood = new Thread(() -> {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
            try {
                while (sent.get() < maxFrames && System.nanoTime() < deadline) {
                    sendFrame(opcode, payload);
                    if (sent.incrementAndGet() % 10 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (IOException | InterruptedException ended) {
                // the flood's end: the server closed the connection, or the test did
            }
        }, "flood");
        flood.start();
        return flood;
    }

    /** The next frame; answers pings on the way, as every client must. */
    Received read() throws IOException {
        while (true) {
            Received frame = readAny();
            if (frame.opcode() == OP_PING) {
                sendFrame(OP_PONG, frame.payload());
                continue;
            }
            return frame;
        }
    }

    /** The next frame of any kind, pings included, without answering anything. */
    Received readAny() throws IOException {
        {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            return new Received(first & 0x0f, payload);
        }
    }

    /** Reads (and discards) frames until a close frame arrives; counts the data frames skipped. */
    Received readUntilClose(long[] dataFramesSkipped) throws IOException {
        while (true) {
            Received frame = read();
            if (frame.opcode() == OP_CLOSE) {
                return frame;
            }
            dataFramesSkipped[0]++;
        }
    }

    /**
     * As {@link #readUntilClose}, but pings are skipped, not answered. For a client the server has already cut off:
     * its pong would reach a socket the server has closed, whose reset makes the client's kernel discard what it
     * has not read yet, the close frame included.
     */
    Received readUntilCloseWithoutAnswering(long[] dataFramesSkipped) throws IOException {
        while (true) {
            Received frame = readAny();
            if (frame.opcode() == OP_CLOSE) {
                return frame;
            }
            if (frame.opcode() != OP_PING) {
                dataFramesSkipped[0]++;
            }
        }
    }

    /**
     * Reads (answering pings, discarding data frames) until the server ends the connection: its close frame,
     * or {@code null} when the TCP connection ended (end of stream or reset) without one.
     */
    Received awaitClose() throws IOException {
        try {
            return readUntilClose(new long[1]);
        } catch (EOFException | java.net.SocketException ended) {
            return null;
        }
    }

    /** {@code true} when the server has closed the TCP connection (reads end of stream). */
    boolean endOfStream() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException e) {
            return true;
        }
    }

    /** Cuts the connection as a broken link would: no close frame, and a reset (RST) instead of a FIN. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + headers);
            }
            headers.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return headers.toString(StandardCharsets.ISO_8859_1);
    }
}
