package dev.herald.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A connection to a Herald endpoint that reconnects by itself and resumes rooms (protocol section 6): one
 * {@link HeraldClient} after another, read by the client's own thread, which hands the application each frame
 * once (replayed duplicates dropped) and reports what happened to a {@link SessionListener}.
 *
 * <ul>
 * <li>Reconnects after the close codes of {@link ReconnectPolicy}, after a failed reconnect, and after
 * {@code heartbeatSeconds} + 10 s of silence; waits with backoff and full jitter first.</li>
 * <li>Liveness uses WebSocket pings, not the room protocol's {@code ping}: they work on both endpoints, and their
 * pongs never reach the application's frames. JSR 356 hides the server's pings, so the client sends its own.</li>
 * <li>A send between connections throws {@link NotConnectedException} instead of queueing: the application knows
 * what did not go out, and a room's {@code ack} tells what did.</li>
 * </ul>
 */
public final class ReconnectingClient implements Connection {

    private static final Logger LOG = Logger.getLogger(ReconnectingClient.class.getName());
    private static final Pattern ROOM_PATH = Pattern.compile(".*/rooms/[^/]+$");

    private final URI uri;
    private final ClientOptions options;
    private final SessionListener listener;
    /** Null for the classic endpoint, which keeps no history. Read and written by the reader thread only. */
    private final ResumeCursor cursor;
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> ended = new CompletableFuture<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean stopped;
    /** The open connection, or {@code null} between connections. */
    private volatile HeraldClient current;
    /** Reconnects since a connection last delivered a frame. Reader thread only. */
    private int attempt;
    private final ConnectionReader reader;

    private ReconnectingClient(URI uri, ClientOptions options, SessionListener listener, HeraldClient first) {
        this.uri = uri;
        this.options = options;
        this.listener = listener;
        this.cursor = ROOM_PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath()).matches()
                ? new ResumeCursor() : null;
        this.current = first;
        this.reader = new ConnectionReader(cursor, received, welcome -> {
            switch (welcome.outcome()) {
                case RESUMED -> notify(() -> listener.resumed(welcome.missed()));
                case LOST -> notify(listener::historyLost);
                case FIRST -> {
                    // the first connection: nothing was missed
                }
            }
        });
    }

    /**
     * Connects (the first connection is not retried: its failure is thrown, as by {@link HeraldClient#connect})
     * and from then on keeps the connection up until {@link #close()} or a close code that stops it.
     */
    public static ReconnectingClient connect(URI uri, ClientOptions options, SessionListener listener)
            throws IOException {
        ReconnectingClient client = new ReconnectingClient(uri, options, listener, HeraldClient.connect(uri, options));
        client.notify(() -> listener.connected(uri, false));
        Thread reader = new Thread(client::run, "herald-reconnecting-client");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    /** True while a connection is open (false while waiting to reconnect, and once ended). */
    public boolean isConnected() {
        HeraldClient connection = current;
        return connection != null && connection.isOpen();
    }

    @Override
    public String subprotocol() {
        HeraldClient connection = current;
        return connection == null ? "" : connection.subprotocol();
    }

    /** Sends on the open connection; {@link NotConnectedException} between connections (nothing is queued). */
    @Override
    public void sendText(String text) throws IOException {
        connection().sendText(text);
    }

    /** Sends on the open connection; {@link NotConnectedException} between connections (nothing is queued). */
    @Override
    public void sendBinary(byte[] data) throws IOException {
        connection().sendBinary(data);
    }

    private HeraldClient connection() throws NotConnectedException {
        HeraldClient connection = current;
        if (connection == null || stopped) {
            throw new NotConnectedException(stopped ? "the connection is closed" : "reconnecting; send again once back");
        }
        return connection;
    }

    /** The next frame from any connection, duplicates dropped, or {@code null} when none arrives within {@code timeout}. */
    @Override
    public Frame next(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes when the client stops for good: closed by the application, or gave up. Frames queued before stay. */
    @Override
    public CompletableFuture<CloseStatus> closeStatus() {
        return ended;
    }

    /** Stops reconnecting and closes the open connection normally (1000). */
    @Override
    public void close() throws IOException {
        stopped = true;
        stopping.countDown();
        HeraldClient connection = current;
        if (connection != null) {
            connection.close();
        }
    }

    /** The reader thread: reads each connection to its end, then reconnects or stops. */
    private void run() {
        CloseStatus status = new CloseStatus(CloseStatus.ABNORMAL, "not connected");
        try {
            while (true) {
                status = reader.read(current, () -> attempt = 0);
                current = null;
                if (stopped) {
                    break;
                }
                if (!ReconnectPolicy.reconnectsAfter(status.code())) {
                    CloseStatus last = status;
                    notify(() -> listener.gaveUp(last, null));
                    break;
                }
                HeraldClient next = reconnect(status);
                if (next == null) {
                    status = stopped ? new CloseStatus(1000, "closed while reconnecting") : status;
                    break;
                }
                current = next;
                if (stopped) {
                    // close() ran while the handshake was under way and could not see this connection.
                    ConnectionReader.abandon(next, 1000);
                }
                notify(() -> listener.connected(uri, true));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = new CloseStatus(CloseStatus.ABNORMAL, "interrupted");
        } catch (RuntimeException e) {
            // A bug: the session ends rather than spin, and the log says why.
            LOG.log(Level.WARNING, "the reconnecting client stopped", e);
            status = new CloseStatus(1011, String.valueOf(e.getMessage()));
        }
        current = null;
        ended.complete(status);
    }

    /** Reconnects after {@code cause}: waits, tries, repeats; null when stopped or refused for good. */
    private HeraldClient reconnect(CloseStatus cause) throws InterruptedException {
        IOException failure = null;
        while (true) {
            attempt++;
            Duration delay = ReconnectPolicy.delay(attempt, ThreadLocalRandom.current()::nextDouble);
            IOException failed = failure;
            int number = attempt;
            notify(() -> listener.reconnecting(delay, cause, failed, number));
            if (stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            URI target = cursor == null ? uri : cursor.resumeUri(uri);
            try {
                return HeraldClient.connect(target, options);
            } catch (HandshakeRefusedException e) {
                if (!ReconnectPolicy.reconnectsAfterRefusal(e.status())) {
                    notify(() -> listener.gaveUp(cause, e));
                    return null;
                }
                failure = e;
            } catch (IOException e) {
                // Unreachable for now (the server restarts, the network is down): the next attempt may work.
                failure = e;
            }
            LOG.log(Level.FINE, "reconnect failed", failure);
        }
    }

    /** Calls the listener; its failure is logged and does not stop the client. */
    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the session listener failed", e);
        }
    }
}
