package dev.herald.client;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.PongMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.core.HandshakeException;

/**
 * A WebSocket client for Herald on Tyrus: connect to {@code ws://} or {@code wss://}, send text or binary,
 * take the next received frame with a timeout, close with a code, and learn how the connection ended.
 *
 * <pre>{@code
 * try (HeraldClient client = HeraldClient.connect(URI.create("ws://127.0.0.1:9001/rooms/lobby?name=ann"))) {
 *     Frame welcome = client.next(Duration.ofSeconds(5));
 *     client.sendText("{\"type\":\"publish\",\"text\":\"hi\"}");
 * }
 * }</pre>
 */
public final class HeraldClient implements Connection {

    private static final int MAX_INCOMING_BYTES = 16 * 1024 * 1024;
    private static final int SEND_TIMEOUT_SECONDS = 30;

    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private volatile Session session;
    /** {@link System#nanoTime()} when a frame or a pong last arrived (or the connection opened). */
    private volatile long lastHeard = System.nanoTime();

    private HeraldClient() {
    }

    public static HeraldClient connect(URI uri) throws IOException {
        return connect(uri, ClientOptions.defaults());
    }

    /**
     * Opens a connection and completes the handshake.
     *
     * @throws HandshakeRefusedException when the server answers the handshake with an HTTP error
     * @throws IOException               when the server cannot be reached or the TLS handshake fails
     */
    public static HeraldClient connect(URI uri, ClientOptions options) throws IOException {
        HeraldClient client = new HeraldClient();
        ClientManager manager = ClientManager.createClient();
        // One Grizzly transport shared by all clients in the JVM, instead of a thread pool per client.
        manager.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        manager.getProperties().put(ClientProperties.INCOMING_BUFFER_SIZE, MAX_INCOMING_BYTES);
        // Tyrus reads this property as an int of milliseconds; a Long is silently ignored.
        manager.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT,
                (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
        if ("wss".equalsIgnoreCase(uri.getScheme())) {
            manager.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR, ClientTls.configurator(options));
        }
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(options.subprotocols())
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> headers) {
                        if (options.origin() != null) {
                            headers.put("Origin", List.of(options.origin()));
                        } else {
                            // Tyrus sends an Origin made from the target URI; a program is not a page, and the
                            // server's whole-origin check would refuse it behind a proxy on another port.
                            headers.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
                        }
                    }
                })
                .build();
        try {
            client.session = manager.connectToServer(client.new Listener(), config, uri);
        } catch (DeploymentException e) {
            throw refusal(uri, e);
        }
        return client;
    }

    @Override
    public String subprotocol() {
        return session.getNegotiatedSubprotocol();
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    /** Sends a text frame and waits until it is written (at most 30 s); an IOException once the connection is closed. */
    @Override
    public void sendText(String text) throws IOException {
        await(remote().sendText(text));
    }

    /** Sends a binary frame and waits until it is written (at most 30 s); an IOException once the connection is closed. */
    @Override
    public void sendBinary(byte[] data) throws IOException {
        await(remote().sendBinary(ByteBuffer.wrap(data)));
    }

    /**
     * Sends a WebSocket ping; the server's pong shows in {@link #lastHeard()}. (JSR 356 clients answer the
     * server's pings by themselves and never see them, so a client that wants to know the link is alive asks.)
     */
    public void sendPing() throws IOException {
        remote().sendPing(ByteBuffer.allocate(0));
    }

    /** {@link System#nanoTime()} when a frame or a pong last arrived, or when the connection opened. */
    public long lastHeard() {
        return lastHeard;
    }

    /** Tyrus throws IllegalStateException for a closed session; callers of a send expect an IOException. */
    private RemoteEndpoint.Async remote() throws IOException {
        try {
            return session.getAsyncRemote();
        } catch (IllegalStateException e) {
            throw new IOException("the connection is closed", e);
        }
    }

    private static void await(Future<Void> write) throws IOException {
        try {
            write.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("send failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("send did not complete within " + SEND_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending", e);
        }
    }

    @Override
    public Frame next(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The next received text frame's content.
     *
     * @throws TimeoutException when none arrives within {@code timeout}
     * @throws IOException      when the next frame is binary
     */
    public String nextText(Duration timeout) throws InterruptedException, TimeoutException, IOException {
        Frame frame = next(timeout);
        if (frame == null) {
            throw new TimeoutException("no frame within " + timeout + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        if (frame instanceof Frame.Text text) {
            return text.text();
        }
        throw new IOException("expected a text frame but got " + frame);
    }

    /** Starts the closing handshake with {@code code} and {@code reason}. */
    public void close(int code, String reason) throws IOException {
        if (session.isOpen()) {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        }
    }

    @Override
    public CompletableFuture<CloseStatus> closeStatus() {
        return closed;
    }

    /** Closes normally (1000) if still open. */
    @Override
    public void close() throws IOException {
        close(CloseReason.CloseCodes.NORMAL_CLOSURE.getCode(), "");
    }

    private static IOException refusal(URI uri, DeploymentException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HandshakeException handshake) {
                return new HandshakeRefusedException(handshake.getHttpStatusCode(),
                        "handshake with " + uri + " refused with HTTP " + handshake.getHttpStatusCode(), e);
            }
        }
        return new IOException("cannot connect to " + uri + ": " + e.getMessage(), e);
    }

    /** Receives frames into the queue and records the close. */
    private final class Listener extends Endpoint {

        @Override
        public void onOpen(Session opened, EndpointConfig config) {
            opened.setMaxTextMessageBufferSize(MAX_INCOMING_BYTES);
            opened.setMaxBinaryMessageBufferSize(MAX_INCOMING_BYTES);
            opened.addMessageHandler(String.class, text -> {
                lastHeard = System.nanoTime();
                received.add(new Frame.Text(text));
            });
            opened.addMessageHandler(ByteBuffer.class, data -> {
                lastHeard = System.nanoTime();
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                received.add(new Frame.Binary(copy));
            });
            opened.addMessageHandler(PongMessage.class, pong -> lastHeard = System.nanoTime());
        }

        @Override
        public void onClose(Session ended, CloseReason reason) {
            closed.complete(new CloseStatus(reason.getCloseCode().getCode(), reason.getReasonPhrase()));
        }

        @Override
        public void onError(Session failed, Throwable error) {
            if (!failed.isOpen()) {
                closed.complete(new CloseStatus(CloseStatus.ABNORMAL, String.valueOf(error.getMessage())));
            }
        }
    }
}
