package dev.herald.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder in front of a server, for tests that cut connections the way a network does: no
 * close frame, the sockets reset on both sides ({@link #cutAll()}). It keeps forwarding new connections after a
 * cut, so a client that reconnects through it reaches the server again.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** Listens on a free port of 127.0.0.1 and forwards every connection to {@code targetPort} there. */
    static TcpProxy to(int targetPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TcpProxy proxy = new TcpProxy(new ServerSocket(0, 50, loopback), new InetSocketAddress(loopback, targetPort));
        Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-accept-" + proxy.port());
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How many connections the proxy has accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Resets every connection open now, on both sides, as a broken link would: no close frame is sent. */
    void cutAll() {
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
        stalled.clear();
    }

    /**
     * Every connection open now stops carrying bytes, in both directions, but stays open: what each side sends is
     * read and thrown away, as on a link that died without telling anyone. New connections are forwarded as usual.
     */
    void stallAll() {
        stalled.addAll(open);
    }

    /**
     * While {@code refuse} is true, every new connection is reset as soon as it is accepted, as an unreachable
     * server looks to a client; connections already open are left alone. False forwards new connections again.
     */
    void refuseNew(boolean refuse) {
        refusing = refuse;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cutAll();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    reset(client);
                    continue;
                }
                accepted.incrementAndGet();
                Socket server = new Socket();
                server.connect(target, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("tcp proxy: " + e); // the test that uses the proxy sees the failure itself
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            // Not try-with-resources: closing a socket's stream closes the socket (with a FIN), and a stalled
            // link must stay open and silent even when the far side closes.
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (!stalled.contains(from)) {
                        out.write(buffer, 0, read);
                    }
                }
            } catch (IOException ended) {
                // one side was cut or closed: the other side is reset below
            } finally {
                // A stalled link carries nothing, not even the other side's close.
                if (!stalled.contains(from)) {
                    reset(to);
                }
                reset(from);
            }
        }, "tcp-proxy-pump-" + from.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with an RST (linger 0) rather than a FIN, as a dropped link looks to the peer. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException alreadyClosed) {
            // nothing left to reset
        }
    }
}
