package dev.herald.it;

import dev.herald.client.CloseStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The second, independent client: the JDK's {@code java.net.http.WebSocket}. Text messages arrive whole
 * (partial deliveries are joined) in a queue.
 */
final class JdkClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private JdkClient(URI uri, String origin) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(uri, new Listener()).join();
    }

    static JdkClient connect(URI uri) {
        return new JdkClient(uri, null);
    }

    static JdkClient connect(URI uri, String origin) {
        return new JdkClient(uri, origin);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    String next(Duration timeout) throws InterruptedException, TimeoutException {
        String text = texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            throw new TimeoutException("no text within " + timeout);
        }
        return text;
    }

    /** The next text or {@code null} if none arrives within {@code timeout}. */
    String poll(Duration timeout) throws InterruptedException {
        return texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    CloseStatus awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(error -> null).join();
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new CloseStatus(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new CloseStatus(CloseStatus.ABNORMAL, String.valueOf(error)));
        }
    }
}
