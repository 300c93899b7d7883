/*
 * Herald's comparative load generator: one file, JDK 17 only, run as
 *
 *   java bench/LoadGenerator.java --server herald:PORT:PID [--server herald-cluster:PORT1,PORT2:PID1,PID2
 *       --redis-pid PID] --server ws:PORT:PID:MEMPORT [--quick] [--scenarios a,b,c,d] [--path /herald/]
 *
 * It drives the classic endpoint of each server (Herald and the ws reference in bench/node) with the same
 * connections: "/" by default; --path moves Herald's (the JVM servers') to another path, such as "/herald/" when
 * the WAR runs in a Jakarta EE container, while ws stays at "/", and prints one Markdown table per scenario with
 * every server and the ratio Herald / ws. A cluster target (several Herald nodes on one Redis) gets its
 * subscribers spread over its nodes and the publisher on the first, and the ratio cluster / Herald.
 * bench/run.sh starts the servers and calls it; see bench/README.md for what each scenario means.
 *
 * Design, and why:
 * - NIO with a couple of selector threads ("workers"), so 10 000 connections need no thread each and the
 *   generator stays far from saturating; it measures its own CPU (process and busiest thread) to prove it.
 * - Frame parsing is minimal: a frame's header and the first bytes of its payload are read, the rest is
 *   skipped. That is enough to tell a join announcement from a broadcast and to read the sequence number and
 *   the send time (System.nanoTime, same JVM) that the publisher embeds in its text.
 * - Client frames are masked as RFC 6455 requires (servers must reject unmasked ones).
 * - The publisher is its own thread writing to its own socket; the worker owning that socket only reads the
 *   publisher's echo (the classic endpoint sends every text to its sender too).
 * - "Window": in throughput runs the publisher never runs more than W messages ahead of the slowest healthy
 *   subscriber, so the servers' queues stay bounded and the figure is throughput, not buffering.
 * - Every wait has a deadline; a scenario that times out is reported as such, and the run goes on.
 */

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

public class LoadGenerator {

    // ---------------------------------------------------------------- configuration

    /** Every count and duration of the run; --quick shrinks them for a smoke check. */
    static final class Config {
        int workers = 2;
        // (a) throughput
        int aSubscribers = 500;
        int aMessageBytes = 64;
        int aWindow = 64;
        double aWarmupSeconds = 3;
        double aSeconds = 10;
        // (b) latency at a fixed delivery rate
        int bSubscribers = 500;
        int bRatePerSecond = 50;          // messages per second; deliveries = subscribers * rate
        double bWarmupSeconds = 2;
        double bSeconds = 10;
        // (c) isolation
        int cBurstMessages = 10_000;
        int cBurstBytes = 4096;
        int cBurstWindow = 32;            // 32 x 4 KiB = 128 KiB queued per healthy client at most
        int cStalledRcvbuf = 4096;
        // 10 000 x 4 KiB to 500 subscribers is 20 GB of deliveries: minutes at 20 000-70 000 deliveries per second.
        double cBurstSeconds = 900;
        // (f) a paced stream of 4 KiB messages with a stalled client (issue 12): 100 x 500/s x 4 KiB, 200 MB/s of
        // deliveries, for the healthy subscribers to get in full while one more subscriber never reads
        int fSubscribers = 100;
        int fMessageBytes = 4096;
        int fRatePerSecond = 500;
        double fWarmupSeconds = 3;
        double fSeconds = 20;
        // (d) idle connections
        int dConnections = 10_000;
        int eConnections = 10_000;
        int eStorms = 2;                  // (e): 1 measures only the first (cold) storm
        Path eHold;                       // (e): with all connected, write <name>.ready here and wait for "release"
        // Connecting N classic clients makes the server send N(N+1)/2 join announcements (50 million for
        // 10 000): at 50 000-100 000 deliveries per second that alone takes 8-17 minutes per server on 2 cores.
        double dConnectSeconds = 1500;
        // common
        int connectConcurrency = 200;     // handshakes in flight, so the servers' accept backlogs never overflow
        String heraldPath = "/";          // the request path of the JVM servers' handshakes (--path)
        long redisPid;                    // --redis-pid: a cluster's Redis, whose CPU gets its own row
        double settleSeconds = 120;
        boolean quick;

        void quick() {
            quick = true;
            aSubscribers = 100;
            aWarmupSeconds = 1;
            aSeconds = 3;
            bSubscribers = 100;
            bRatePerSecond = 50;
            bWarmupSeconds = 1;
            bSeconds = 3;
            cBurstMessages = 1_000;
            cBurstSeconds = 120;
            fSubscribers = 20;
            fWarmupSeconds = 1;
            fSeconds = 5;
            dConnections = 1_000;
            eConnections = 1_000;
            dConnectSeconds = 120;
            settleSeconds = 60;
        }
    }

    /**
     * One server under test: its name, port, process id, and (ws) the HTTP side port that reports memory. A cluster
     * (herald-cluster:PORT1,PORT2:PID1,PID2) has one port and one pid per node: subscriber i of a scenario connects
     * to node i % nodes, the publisher to the first node, and the server's CPU and memory are summed over the pids.
     */
    record Target(String name, List<Integer> ports, List<Long> pids, int memPort, String path) {
        boolean isJvm() {
            return memPort <= 0;
        }

        int nodes() {
            return ports.size();
        }
    }

    // ---------------------------------------------------------------- WebSocket connection and parser

    enum Role { PUBLISHER, SUBSCRIBER, STALLED, IDLE }

    static final byte[] JOIN = "Hey all, a new client has joined us".getBytes(StandardCharsets.US_ASCII);
    /** How a room's welcome starts, on both servers: (e) counts them as it counts (d)'s join announcements. */
    static final byte[] WELCOME = "{\"type\":\"welcome\"".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SAID = ") said: ".getBytes(StandardCharsets.US_ASCII);
    /** Bytes of a frame's payload that are parsed; the rest is skipped. 128 covers every control frame (<= 125). */
    static final int PREFIX = 128;
    static final int HDR_MAX = 14 + PREFIX;

    static final class Conn {
        final int index;
        final Role role;
        final SocketChannel channel;
        final int node;                  // which of the target's ports (a cluster's node) it is connected to
        String path;                     // the handshake's path; null for the target's own (the classic endpoint)
        Worker worker;
        SelectionKey key;
        // handshake
        byte[] http = new byte[2048];
        int httpLen;
        boolean open;
        boolean closed;
        // frame parser: a partial frame start is kept in hdr; payload beyond PREFIX is skipped
        final byte[] hdr = new byte[HDR_MAX];
        int hdrLen;
        long skip;
        boolean inFragmentedText;
        // what arrived
        long joins;
        long deliveries;
        long lastSeq = -1;
        long bytesIn;
        int closeCode = -1;
        String closeReason = "";
        String failure;
        // control replies (pong, close) written by the worker; never used for the publisher's socket
        ByteBuffer out;
        boolean draining;

        Conn(int index, Role role, SocketChannel channel, int node) {
            this.index = index;
            this.role = role;
            this.channel = channel;
            this.node = node;
        }
    }

    /** Parses frame starts; returns the bytes a frame start needs (header plus parsed prefix), given what is known. */
    static int needed(byte[] b, int off, int avail) {
        if (avail < 2) {
            return 2;
        }
        int b1 = b[off + 1] & 0xff;
        int len7 = b1 & 0x7f;
        int h = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
        if (avail < h) {
            return h;
        }
        long len = payloadLength(b, off);
        return h + (int) Math.min(len, PREFIX);
    }

    static long payloadLength(byte[] b, int off) {
        int len7 = b[off + 1] & 0x7f;
        if (len7 == 126) {
            return ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
        }
        if (len7 == 127) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[off + 2 + i] & 0xff);
            }
            return v;
        }
        return len7;
    }

    static int headerLength(byte[] b, int off) {
        int b1 = b[off + 1] & 0xff;
        int len7 = b1 & 0x7f;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
    }

    /** A masked client frame (RFC 6455 5.3), header and payload, appended to {@code out}. */
    static void putMaskedFrame(ByteBuffer out, int opcode, byte[] payload, int len) {
        out.put((byte) (0x80 | opcode));
        if (len < 126) {
            out.put((byte) (0x80 | len));
        } else if (len < 65536) {
            out.put((byte) (0x80 | 126));
            out.putShort((short) len);
        } else {
            out.put((byte) (0x80 | 127));
            out.putLong(len);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        out.putInt(mask);
        byte m0 = (byte) (mask >>> 24), m1 = (byte) (mask >>> 16), m2 = (byte) (mask >>> 8), m3 = (byte) mask;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            out.put((byte) (payload[i] ^ m0));
            out.put((byte) (payload[i + 1] ^ m1));
            out.put((byte) (payload[i + 2] ^ m2));
            out.put((byte) (payload[i + 3] ^ m3));
        }
        for (; i < len; i++) {
            byte m = switch (i & 3) { case 0 -> m0; case 1 -> m1; case 2 -> m2; default -> m3; };
            out.put((byte) (payload[i] ^ m));
        }
    }

    // ---------------------------------------------------------------- worker: one selector thread

    /**
     * Owns a selector and its connections. Counts deliveries and, for each message, how many of its healthy
     * subscribers have it (a ring indexed by sequence number), publishing the first incomplete sequence
     * number so that the publisher can keep its window.
     */
    static final class Worker extends Thread {
        static final int RING = 1 << 16;

        final Selector selector;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final List<Conn> conns = new ArrayList<>();
        final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
        volatile boolean running = true;
        final Scenario scenario;
        // message completion across this worker's healthy subscribers
        final int[] ring = new int[RING];
        int healthyHere;
        long doneUpTo;                       // every seq below this reached every healthy subscriber here
        volatile long doneVolatile;
        // counters, owner-written, published each loop
        long deliveries, joins, established, failed, orderErrors, closedHealthy;
        volatile long vDeliveries, vJoins, vEstablished, vFailed, vOrderErrors, vClosedHealthy;
        // latency histograms (microseconds), one per node of the target, recorded for seq >= latencyFromSeq
        final long[][] latencyMicros;
        final long[] latencyOverflow;
        final long[] latencyCount;

        Worker(int id, Scenario scenario) throws IOException {
            super("loadgen-worker-" + id);
            setDaemon(true);
            this.selector = Selector.open();
            this.scenario = scenario;
            int nodes = scenario.target.nodes();
            this.latencyMicros = new long[nodes][2_000_001];
            this.latencyOverflow = new long[nodes];
            this.latencyCount = new long[nodes];
        }

        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    // select(action, timeout) hands each ready key straight to us: no selected-key set to
                    // fill and empty, which matters at hundreds of thousands of readiness events per second.
                    selector.select(this::ready, 5);
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    publish();
                }
            } catch (IOException e) {
                System.err.println("worker " + getName() + " died: " + e);
            } finally {
                for (Conn c : conns) {
                    closeQuietly(c);
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing on exit; nothing to do
                }
            }
        }

        private void ready(SelectionKey key) {
            Conn c = (Conn) key.attachment();
            try {
                if (!key.isValid()) {
                    return;
                }
                if (key.isConnectable()) {
                    connected(c);
                    return;
                }
                if (key.isWritable()) {
                    flush(c);
                }
                if (key.isValid() && key.isReadable()) {
                    read(c);
                }
            } catch (IOException | RuntimeException e) {
                fail(c, e.toString());
            }
        }

        private void publish() {
            vDeliveries = deliveries;
            vJoins = joins;
            vEstablished = established;
            vFailed = failed;
            vOrderErrors = orderErrors;
            vClosedHealthy = closedHealthy;
            if (doneVolatile != doneUpTo) {
                doneVolatile = doneUpTo;
                Thread publisher = scenario.publisherThread;
                if (publisher != null && scenario.publisherWaiting) {
                    LockSupport.unpark(publisher);
                }
            }
        }

        void add(Conn c) {
            c.worker = this;
            conns.add(c);
            if (c.role == Role.SUBSCRIBER) {
                healthyHere++;
            }
            try {
                c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                if (c.channel.isConnected()) {
                    connected(c);
                }
            } catch (IOException e) {
                fail(c, e.toString());
            }
        }

        private void connected(Conn c) throws IOException {
            if (c.channel.isConnectionPending()) {
                c.channel.finishConnect();
            }
            String request = "GET " + (c.path != null ? c.path : scenario.target.path()) + " HTTP/1.1\r\nHost: 127.0.0.1:" + scenario.target.ports().get(c.node) + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            c.out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            c.key.interestOps(SelectionKey.OP_READ);
            flush(c);
        }

        /** Writes the connection's pending control bytes; waits for OP_WRITE when the socket is full. */
        private void flush(Conn c) throws IOException {
            if (c.out != null) {
                c.channel.write(c.out);
                if (c.out.hasRemaining()) {
                    c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
                    return;
                }
                c.out = null;
            }
            if (c.key.isValid()) {
                c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_WRITE);
            }
        }

        private void queueControl(Conn c, int opcode, byte[] payload, int len) throws IOException {
            if (c.role == Role.PUBLISHER || c.closed) {
                return; // only the publisher thread writes to its socket
            }
            ByteBuffer frame = ByteBuffer.allocate(len + 14);
            putMaskedFrame(frame, opcode, payload, len);
            frame.flip();
            if (c.out == null) {
                c.out = frame;
            } else {
                ByteBuffer both = ByteBuffer.allocate(c.out.remaining() + frame.remaining());
                both.put(c.out).put(frame).flip();
                c.out = both;
            }
            flush(c);
        }

        private void read(Conn c) throws IOException {
            byte[] a = readBuffer.array();
            for (int round = 0; round < 8; round++) {
                readBuffer.clear();
                int n = c.channel.read(readBuffer);
                if (n < 0) {
                    eof(c);
                    return;
                }
                if (n == 0) {
                    return;
                }
                c.bytesIn += n;
                if (!c.open) {
                    handshake(c, a, n);
                } else {
                    feed(c, a, 0, n);
                }
                if (c.closed || n < readBuffer.capacity() || (c.role == Role.STALLED && !c.draining)) {
                    return;
                }
            }
        }

        private void handshake(Conn c, byte[] a, int n) throws IOException {
            int take = Math.min(n, c.http.length - c.httpLen);
            System.arraycopy(a, 0, c.http, c.httpLen, take);
            c.httpLen += take;
            int end = indexOf(c.http, c.httpLen, new byte[] {'\r', '\n', '\r', '\n'});
            if (end < 0) {
                if (c.httpLen == c.http.length) {
                    fail(c, "handshake response too long");
                }
                return;
            }
            String status = new String(c.http, 0, indexOf(c.http, c.httpLen, new byte[] {'\r', '\n'}),
                    StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 101")) {
                fail(c, "handshake refused: " + status);
                return;
            }
            c.open = true;
            established++;
            // Bytes after the response are the first frames: the tail of c.http, then the rest of this read.
            int headerEnd = end + 4;
            byte[] rest = new byte[c.httpLen - headerEnd + (n - take)];
            System.arraycopy(c.http, headerEnd, rest, 0, c.httpLen - headerEnd);
            System.arraycopy(a, take, rest, c.httpLen - headerEnd, n - take);
            c.http = null;
            feed(c, rest, 0, rest.length);
            if (c.role == Role.STALLED && !c.draining) {
                // It stops reading now: its socket buffers fill and the server must deal with it.
                c.key.interestOps(0);
            }
        }

        /** Consumes frames from a[p, end); keeps an incomplete frame start in c.hdr for the next read. */
        private void feed(Conn c, byte[] a, int p, int end) throws IOException {
            while (p < end && !c.closed) {
                if (c.skip > 0) {
                    int n = (int) Math.min(c.skip, end - p);
                    p += n;
                    c.skip -= n;
                    continue;
                }
                if (c.hdrLen > 0) {
                    int need = needed(c.hdr, 0, c.hdrLen);
                    while (c.hdrLen < need && p < end) {
                        int take = Math.min(need - c.hdrLen, end - p);
                        System.arraycopy(a, p, c.hdr, c.hdrLen, take);
                        c.hdrLen += take;
                        p += take;
                        need = needed(c.hdr, 0, c.hdrLen);
                    }
                    if (c.hdrLen < need) {
                        return;
                    }
                    frame(c, c.hdr, 0);
                    c.hdrLen = 0;
                    continue;
                }
                int need = needed(a, p, end - p);
                if (end - p < need) {
                    System.arraycopy(a, p, c.hdr, 0, end - p);
                    c.hdrLen = end - p;
                    return;
                }
                p += frame(c, a, p);
            }
        }

        /** Handles one frame start (header and parsed prefix); returns the bytes consumed and sets c.skip. */
        private int frame(Conn c, byte[] b, int off) throws IOException {
            int h = headerLength(b, off);
            long len = payloadLength(b, off);
            int got = (int) Math.min(len, PREFIX);
            c.skip = len - got;
            int opcode = b[off] & 0x0f;
            boolean fin = (b[off] & 0x80) != 0;
            int pay = off + h;
            switch (opcode) {
                case 1 -> {
                    text(c, b, pay, got);
                    c.inFragmentedText = !fin;
                }
                case 0 -> {
                    if (fin) {
                        c.inFragmentedText = false;
                    }
                }
                case 8 -> {
                    c.closeCode = got >= 2 ? ((b[pay] & 0xff) << 8) | (b[pay + 1] & 0xff) : 1005;
                    c.closeReason = got > 2 ? new String(b, pay + 2, got - 2, StandardCharsets.UTF_8) : "";
                    byte[] echo = new byte[Math.min(got, 2)];
                    System.arraycopy(b, pay, echo, 0, echo.length);
                    queueControl(c, 8, echo, echo.length);
                    markClosed(c);
                }
                case 9 -> {
                    byte[] ping = new byte[got];
                    System.arraycopy(b, pay, ping, 0, got);
                    queueControl(c, 10, ping, got);
                }
                default -> {
                    // binary (2) and pong (10): not used by the classic endpoint; skipped
                }
            }
            return h + got;
        }

        /** A text message: a join announcement, or "Client(n) said: <seq> <sendNanos> xxx...". */
        private void text(Conn c, byte[] b, int p, int len) {
            if (len >= JOIN.length && b[p] == 'H' && startsWith(b, p, len, JOIN)
                    || len >= WELCOME.length && b[p] == '{' && startsWith(b, p, len, WELCOME)) {
                c.joins++;
                joins++;
                return;
            }
            int said = indexOf(b, p, p + len, SAID);
            if (said < 0) {
                return;
            }
            int q = said + SAID.length;
            int end = p + len;
            long seq = 0;
            while (q < end && b[q] >= '0' && b[q] <= '9') {
                seq = seq * 10 + (b[q++] - '0');
            }
            q++;
            long sent = 0;
            while (q < end && b[q] >= '0' && b[q] <= '9') {
                sent = sent * 10 + (b[q++] - '0');
            }
            if (c.role != Role.SUBSCRIBER) {
                return;
            }
            long now = System.nanoTime();
            c.deliveries++;
            deliveries++;
            if (c.lastSeq >= 0 && seq != c.lastSeq + 1) {
                orderErrors++;
            }
            c.lastSeq = seq;
            if (seq >= scenario.latencyFromSeq) {
                long micros = (now - sent) / 1000;
                long[] hist = latencyMicros[c.node];
                if (micros >= 0 && micros < hist.length) {
                    hist[(int) micros]++;
                } else {
                    latencyOverflow[c.node]++;
                }
                latencyCount[c.node]++;
            }
            int slot = (int) (seq & (RING - 1));
            ring[slot]++;
            advance();
        }

        private void advance() {
            while (healthyHere > 0 && ring[(int) (doneUpTo & (RING - 1))] >= healthyHere) {
                ring[(int) (doneUpTo & (RING - 1))] = 0;
                doneUpTo++;
            }
            if (healthyHere == 0) {
                doneUpTo = Long.MAX_VALUE / 2;
            }
        }

        private void eof(Conn c) {
            if (!c.closed && c.closeCode < 0) {
                c.closeReason = c.open ? "connection closed without a close frame" : "connection closed before 101";
            }
            markClosed(c);
        }

        private void markClosed(Conn c) {
            if (c.closed) {
                return;
            }
            c.closed = true;
            if (!c.open) {
                failed++;
            }
            if (c.role == Role.SUBSCRIBER && c.open) {
                // A healthy subscriber that the server closed no longer counts towards completion.
                closedHealthy++;
                healthyHere--;
                advance();
            }
            if (c.out == null) {
                closeQuietly(c);
            } else {
                // The close reply is still being written; the key stays registered until teardown.
                c.key.interestOps(SelectionKey.OP_WRITE);
            }
        }

        private void fail(Conn c, String why) {
            if (c.failure == null) {
                c.failure = why;
            }
            if (c.closeReason.isEmpty()) {
                c.closeReason = why;
            }
            markClosed(c);
            closeQuietly(c);
        }

        /** Starts reading a stalled connection again, to see what the server did with it. */
        void drain(Conn c) {
            c.draining = true;
            if (!c.closed && c.key != null && c.key.isValid()) {
                c.key.interestOps(SelectionKey.OP_READ);
            }
        }
    }

    static void closeQuietly(Conn c) {
        try {
            if (c.channel.isOpen()) {
                // RST rather than FIN: thousands of TIME_WAIT sockets would exhaust the local port range.
                c.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException ignored) {
            // the socket is already gone
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static boolean startsWith(byte[] b, int p, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[p + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, int len, byte[] pattern) {
        return indexOf(b, 0, len, pattern);
    }

    static int indexOf(byte[] b, int from, int end, byte[] pattern) {
        outer:
        for (int i = from; i + pattern.length <= end; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (b[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- scenario plumbing

    /** One scenario against one server: its workers, connections, publisher, and probes. */
    static final class Scenario implements AutoCloseable {
        final Target target;
        final Config config;
        final List<Worker> workers = new ArrayList<>();
        final List<Conn> conns = new ArrayList<>();
        volatile Thread publisherThread;
        volatile boolean publisherWaiting;
        volatile long latencyFromSeq = Long.MAX_VALUE;
        int next;

        Scenario(Target target, Config config) throws IOException {
            this.target = target;
            this.config = config;
            for (int i = 0; i < config.workers; i++) {
                Worker w = new Worker(i, this);
                workers.add(w);
                w.start();
            }
        }

        /** Opens {@code count} connections of {@code role}, at most connectConcurrency handshakes at a time. */
        List<Conn> connect(Role role, int count, double seconds, int rcvbuf) throws IOException {
            return connect(role, count, seconds, rcvbuf, null);
        }

        /** As above; {@code paths}, when given, names each connection's handshake path by its index. */
        List<Conn> connect(Role role, int count, double seconds, int rcvbuf, java.util.function.IntFunction<String> paths)
                throws IOException {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            List<Conn> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                waitUntil(() -> pendingHandshakes() < config.connectConcurrency, deadline);
                if (System.nanoTime() > deadline) {
                    throw new IOException("connecting timed out after " + i + " of " + count);
                }
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (rcvbuf > 0) {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf); // before connect: it sets the window
                }
                // A cluster: the publisher on the first node, the others spread round-robin over the nodes. Workers
                // take them in pairs of nodes, so that each selector thread reads from every node alike.
                int node = role == Role.PUBLISHER ? 0 : i % target.nodes();
                ch.connect(new InetSocketAddress("127.0.0.1", target.ports().get(node)));
                Conn c = new Conn(conns.size(), role, ch, node);
                c.path = paths == null ? null : paths.apply(i);
                conns.add(c);
                made.add(c);
                Worker w = role == Role.PUBLISHER ? workers.get(0)
                        : workers.get((next++ / target.nodes()) % workers.size());
                w.execute(() -> w.add(c));
            }
            waitUntil(() -> pendingHandshakes() == 0, deadline);
            // Only a failed handshake fails the scenario here; connections the server closes later (after the
            // 101) are counted and reported by the scenario, with their close codes.
            long refused = made.stream().filter(c -> !c.open && c.closed).count();
            if (pendingHandshakes() > 0 || refused > 0) {
                String why = made.stream().filter(c -> !c.open && c.closed).map(c -> c.closeReason)
                        .findFirst().orElse("timeout");
                throw new IOException((count - refused - pendingHandshakes()) + " of " + count
                        + " connections opened (" + refused + " refused: " + why + "; "
                        + closedSummary(made) + ")");
            }
            return made;
        }

        long pendingHandshakes() {
            long est = 0;
            long failed = 0;
            for (Worker w : workers) {
                est += w.vEstablished;
                failed += w.vFailed;
            }
            return conns.size() - est - failed;
        }

        long sum(java.util.function.ToLongFunction<Worker> f) {
            long s = 0;
            for (Worker w : workers) {
                s += f.applyAsLong(w);
            }
            return s;
        }

        long joins() {
            return sum(w -> w.vJoins);
        }

        long deliveries() {
            return sum(w -> w.vDeliveries);
        }

        /** The first sequence number that some healthy subscriber still lacks. */
        long done() {
            long min = Long.MAX_VALUE;
            for (Worker w : workers) {
                min = Math.min(min, w.doneVolatile);
            }
            return min;
        }

        /** Waits until every reading connection has seen {@code expected} join announcements in total. */
        void awaitJoins(long expected, double seconds) throws IOException {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            if (!waitUntil(() -> joins() >= expected, deadline)) {
                throw new IOException("join announcements: " + joins() + " of " + expected + " arrived in time");
            }
        }

        /** Runs {@code task} on the connection's worker thread and waits for it. */
        void onWorker(Conn c, java.util.function.Consumer<Conn> task) {
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            c.worker.execute(() -> {
                try {
                    task.accept(c);
                } finally {
                    done.countDown();
                }
            });
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        List<Thread> threads() {
            List<Thread> all = new ArrayList<>(workers);
            if (publisherThread != null) {
                all.add(publisherThread);
            }
            return all;
        }

        @Override
        public void close() {
            for (Worker w : workers) {
                w.running = false;
                w.selector.wakeup();
            }
            for (Worker w : workers) {
                try {
                    w.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Conn c : conns) {
                closeQuietly(c);
            }
        }
    }

    /** How connections that had opened were closed: "1001 idle timeout x 3, reset x 2", or "none". */
    static String closedSummary(List<Conn> conns) {
        Map<String, Integer> byCause = new LinkedHashMap<>();
        for (Conn c : conns) {
            if (c.open && c.closed) {
                String cause = c.closeCode > 0 ? c.closeCode + " " + c.closeReason
                        : c.closeReason.contains("reset") || c.closeReason.contains("Broken pipe") ? "reset"
                        : c.closeReason;
                byCause.merge(cause, 1, Integer::sum);
            }
        }
        if (byCause.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        byCause.forEach((cause, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(cause).append(" x ").append(n));
        return sb.toString();
    }

    static boolean waitUntil(BooleanSupplier condition, long deadlineNanos) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                return false;
            }
            LockSupport.parkNanos(2_000_000);
        }
        return true;
    }

    /**
     * The publisher: its own thread, writing masked text frames "<seq> <nanoTime> xxx..." of exactly
     * {@code bytes} bytes to its socket, either as fast as the window allows or at a fixed rate.
     */
    static final class Publisher {
        final Scenario scenario;
        final Conn conn;
        long nextSeq;
        long sentBytes;
        final ByteBuffer out = ByteBuffer.allocate(1 << 20);
        final byte[] payload = new byte[65536];

        Publisher(Scenario scenario, Conn conn) {
            this.scenario = scenario;
            this.conn = conn;
            scenario.publisherThread = Thread.currentThread();
        }

        private void frame(int bytes) {
            long now = System.nanoTime();
            int n = 0;
            n = putDecimal(payload, n, nextSeq);
            payload[n++] = ' ';
            n = putDecimal(payload, n, now);
            payload[n++] = ' ';
            for (int i = n; i < bytes; i++) {
                payload[i] = 'x';
            }
            putMaskedFrame(out, 1, payload, Math.max(bytes, n));
            nextSeq++;
        }

        /** Writes everything in {@code out}; spins politely while the socket is full. */
        private void flush(long deadline) throws IOException {
            out.flip();
            while (out.hasRemaining()) {
                int n = conn.channel.write(out);
                sentBytes += n;
                if (n == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("publisher blocked: the server stopped reading");
                    }
                    LockSupport.parkNanos(50_000);
                }
            }
            out.clear();
        }

        /**
         * Sends messages while {@code keepGoing} holds, never more than {@code window} ahead of the slowest
         * healthy subscriber, up to {@code maxMessages}; returns the number sent.
         */
        long windowed(int bytes, int window, long maxMessages, BooleanSupplier keepGoing, long deadline)
                throws IOException {
            long sent = 0;
            while (sent < maxMessages && keepGoing.getAsBoolean()) {
                long room = window - (nextSeq - scenario.done());
                if (room <= 0) {
                    scenario.publisherWaiting = true;
                    if (window - (nextSeq - scenario.done()) <= 0) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    scenario.publisherWaiting = false;
                    if (System.nanoTime() > deadline) {
                        throw new IOException("no progress: the window stayed full until the deadline");
                    }
                    continue;
                }
                long batch = Math.min(Math.min(room, maxMessages - sent), Math.max(1, (out.capacity() / (bytes + 16)) - 1));
                for (long i = 0; i < batch; i++) {
                    frame(bytes);
                }
                sent += batch;
                flush(deadline);
            }
            return sent;
        }

        /** Sends {@code ratePerSecond} messages per second for {@code seconds}; stops early if the server lags by maxLag. */
        long paced(int bytes, int ratePerSecond, double seconds, long maxLag, long deadline) throws IOException {
            long interval = 1_000_000_000L / ratePerSecond;
            long start = System.nanoTime();
            long count = (long) (seconds * ratePerSecond);
            for (long i = 0; i < count; i++) {
                long due = start + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, 1_000_000));
                }
                if (nextSeq - scenario.done() > maxLag) {
                    throw new IOException("the server fell more than " + maxLag + " messages behind the fixed rate");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("paced publishing overran its deadline");
                }
                frame(bytes);
                flush(deadline);
            }
            return count;
        }

        /** Waits until every healthy subscriber has every message sent so far. */
        boolean awaitDelivered(long deadline) {
            scenario.publisherWaiting = true;
            try {
                while (scenario.done() < nextSeq) {
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                return true;
            } finally {
                scenario.publisherWaiting = false;
            }
        }
    }

    static int putDecimal(byte[] b, int p, long v) {
        String s = Long.toString(v);
        for (int i = 0; i < s.length(); i++) {
            b[p + i] = (byte) s.charAt(i);
        }
        return p + s.length();
    }

    // ---------------------------------------------------------------- CPU and memory probes

    /**
     * CPU of this process, its threads, the server's processes (a cluster's nodes, summed, and each), the Redis
     * given by --redis-pid, and the whole machine over an interval.
     */
    static final class CpuWindow {
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        final long start = System.nanoTime();
        final long selfStart = selfCpuNanos();
        final long[] serverStart;
        final long redisStart;
        final long[] machineStart = machineTicks();
        final Map<Thread, Long> threadStart = new LinkedHashMap<>();
        final List<Long> pids;
        final long redisPid;
        double seconds, selfPct, busiestThreadPct, serverPct, redisPct, restPct;
        double[] nodePct;

        CpuWindow(Target target, long redisPid, List<Thread> threads) {
            this.pids = target.pids();
            this.redisPid = redisPid;
            this.serverStart = pids.stream().mapToLong(CpuWindow::processCpuNanos).toArray();
            this.redisStart = redisPid > 0 ? processCpuNanos(redisPid) : 0;
            for (Thread t : threads) {
                threadStart.put(t, THREADS.getThreadCpuTime(t.getId()));
            }
        }

        CpuWindow stop(List<Thread> threads) {
            seconds = (System.nanoTime() - start) / 1e9;
            double selfSec = (selfCpuNanos() - selfStart) / 1e9;
            nodePct = new double[pids.size()];
            double serverSec = 0;
            for (int i = 0; i < pids.size(); i++) {
                double sec = (processCpuNanos(pids.get(i)) - serverStart[i]) / 1e9;
                nodePct[i] = 100 * sec / seconds;
                serverSec += sec;
            }
            double redisSec = redisPid > 0 ? (processCpuNanos(redisPid) - redisStart) / 1e9 : 0;
            selfPct = 100 * selfSec / seconds;
            serverPct = 100 * serverSec / seconds;
            redisPct = 100 * redisSec / seconds;
            for (Thread t : threads) {
                long before = threadStart.getOrDefault(t, 0L);
                long now = THREADS.getThreadCpuTime(t.getId());
                if (now > 0) {
                    busiestThreadPct = Math.max(busiestThreadPct, 100 * (now - before) / 1e9 / seconds);
                }
            }
            long[] m = machineTicks();
            double busySec = (m[0] - machineStart[0]) / 100.0;
            restPct = Math.max(0, 100 * (busySec - selfSec - serverSec - redisSec) / seconds);
            return this;
        }

        /** The server's CPU: for a cluster, the sum and each node's share. */
        String server() {
            if (nodePct.length == 1) {
                return String.format(Locale.ROOT, "%.0f %%", serverPct);
            }
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.0f %% (", serverPct));
            for (int i = 0; i < nodePct.length; i++) {
                sb.append(String.format(Locale.ROOT, "%snode %d %.0f %%", i == 0 ? "" : ", ", i + 1, nodePct[i]));
            }
            return sb.append(')').toString();
        }

        String generator() {
            return String.format(Locale.ROOT, "%.0f %% (busiest thread %.0f %%)", selfPct, busiestThreadPct);
        }

        static long selfCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /** utime + stime of a process, from /proc/PID/stat, in nanoseconds (clock ticks of 10 ms). */
        static long processCpuNanos(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        /** Busy ticks of the whole machine (all cores), from /proc/stat. */
        static long[] machineTicks() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    if (i != 4 && i != 5) { // idle and iowait
                        busy += Long.parseLong(f[i]);
                    }
                }
                return new long[] {busy};
            } catch (IOException | RuntimeException e) {
                return new long[] {0};
            }
        }
    }

    /**
     * Reads a server's memory: RSS from /proc, heap through JMX (Herald) or the side port (ws). For a cluster, every
     * figure is the sum over its nodes' processes (a peak RSS: the sum of each node's peak).
     */
    static final class MemoryProbe implements AutoCloseable {
        final Target target;
        final List<JMXConnector> jmx = new ArrayList<>();
        final List<MemoryMXBean> memory = new ArrayList<>();

        MemoryProbe(Target target) {
            this.target = target;
        }

        /**
         * The JVM's MemoryMXBeans, attached on first use: only the heap needs them, and RSS (all that (f) reads) does
         * not. Open Liberty's JVM refuses the attach API's management agent (it cannot load Liberty's own platform
         * MBean server builder), so there (c), (d) and (e) fail while (f) runs.
         */
        synchronized List<MemoryMXBean> memory() throws IOException {
            if (memory.isEmpty()) {
                for (long pid : target.pids()) {
                    try {
                        // The attach API starts the JVM's local management agent (bound to loopback), so Herald
                        // needs no extra flags; MemoryMXBean.gc() is what `jcmd PID GC.run` does.
                        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
                        String address = vm.startLocalManagementAgent();
                        vm.detach();
                        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
                        jmx.add(connector);
                        MBeanServerConnection server = connector.getMBeanServerConnection();
                        memory.add(ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
                                MemoryMXBean.class));
                    } catch (Exception e) {
                        close();
                        memory.clear(); // a cluster's nodes all or none
                        throw new IOException("cannot attach to JVM " + pid + ": " + e, e);
                    }
                }
            }
            return memory;
        }

        /** Heap in use, in bytes, after a full GC if {@code gc}; for ws, V8's heapUsed (after gc() twice). */
        long heapUsed(boolean gc) throws IOException {
            if (target.isJvm()) {
                long used = 0;
                for (MemoryMXBean m : memory()) {
                    if (gc) {
                        m.gc();
                        m.gc();
                    }
                    used += m.getHeapMemoryUsage().getUsed();
                }
                return used;
            }
            return nodeMemory(gc).getOrDefault("heapUsed", -1L);
        }

        /** Heap plus, for ws, V8's "external" memory (the Buffers waiting in sockets' queues live there). */
        long retained(boolean gc) throws IOException {
            if (target.isJvm()) {
                return heapUsed(gc);
            }
            Map<String, Long> m = nodeMemory(gc);
            return m.getOrDefault("heapUsed", 0L) + m.getOrDefault("external", 0L);
        }

        /** ws only: the figures of process.memoryUsage() plus the clients' bufferedAmount. */
        Map<String, Long> nodeMemory(boolean gc) throws IOException {
            String json = httpGet("/mem" + (gc ? "?gc=1" : ""));
            Map<String, Long> values = new LinkedHashMap<>();
            for (String part : json.replaceAll("[{}\"]", "").split(",")) {
                String[] kv = part.split(":");
                if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                    values.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            return values;
        }

        private String httpGet(String path) throws IOException {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", target.memPort())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return response.substring(response.indexOf("\r\n\r\n") + 4);
            }
        }

        /** A field of /proc/PID/status in bytes (VmRSS, VmHWM), summed over a cluster's nodes; -1 if one is gone. */
        long status(String field) {
            long sum = 0;
            for (long pid : target.pids()) {
                long v = status(pid, field);
                if (v < 0) {
                    return -1;
                }
                sum += v;
            }
            return sum;
        }

        static long status(long pid, String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // process gone
            }
            return -1;
        }

        /** Resets the kernel's peak RSS (VmHWM) of the server (each node), so the next peak is this scenario's own. */
        boolean resetPeak() {
            boolean all = true;
            for (long pid : target.pids()) {
                try {
                    Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
                } catch (IOException | RuntimeException e) {
                    all = false;
                }
            }
            return all;
        }

        @Override
        public void close() {
            for (JMXConnector connector : jmx) {
                try {
                    connector.close();
                } catch (IOException ignored) {
                    // the server may already be gone
                }
            }
            jmx.clear();
        }
    }

    /** Samples a server's RSS (and heap) every 100 ms while a scenario runs, keeping the maxima. */
    static final class Sampler extends Thread {
        final MemoryProbe probe;
        volatile boolean running = true;
        volatile long maxRss, maxHeap, maxBuffered;

        Sampler(MemoryProbe probe) {
            super("loadgen-memory-sampler");
            setDaemon(true);
            this.probe = probe;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (running && System.nanoTime() < deadline) {
                maxRss = Math.max(maxRss, probe.status("VmRSS"));
                try {
                    if (probe.target.isJvm()) {
                        maxHeap = Math.max(maxHeap, probe.heapUsed(false)); // a cluster: the nodes' sum
                    } else {
                        Map<String, Long> m = probe.nodeMemory(false);
                        maxHeap = Math.max(maxHeap, m.getOrDefault("heapUsed", 0L) + m.getOrDefault("external", 0L));
                        maxBuffered = Math.max(maxBuffered, m.getOrDefault("totalBuffered", 0L));
                    }
                } catch (IOException | RuntimeException e) {
                    // a missed sample; the next one counts
                }
                LockSupport.parkNanos(100_000_000);
            }
        }

        Sampler stopSampling() {
            running = false;
            try {
                join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return this;
        }
    }

    // ---------------------------------------------------------------- results

    /** One scenario's figures for one server, in display order; numbers keep their value for the ratio. */
    static final class Result {
        final Map<String, Object> values = new LinkedHashMap<>();
        String error;

        void put(String measure, Object value) {
            values.put(measure, value);
        }
    }

    /** A number shown with a unit; {@code ratio} false means no Herald/ws ratio makes sense for it. */
    record Num(double value, String format, boolean ratio) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, format, value);
        }
    }

    static Num num(double v, String format) {
        return new Num(v, format, true);
    }

    static Num info(double v, String format) {
        return new Num(v, format, false);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    // ---------------------------------------------------------------- scenarios

    final Config config;
    final List<Target> targets;

    LoadGenerator(Config config, List<Target> targets) {
        this.config = config;
        this.targets = targets;
    }

    /** (a) deliveries per second: N subscribers, one publisher, a bounded window of messages in flight. */
    Result throughput(Target target) throws IOException {
        Result r = new Result();
        try (Scenario s = new Scenario(target, config)) {
            List<Conn> subs = s.connect(Role.SUBSCRIBER, config.aSubscribers, config.settleSeconds, 0);
            Conn pubConn = s.connect(Role.PUBLISHER, 1, config.settleSeconds, 0).get(0);
            long n = config.aSubscribers + 1;
            s.awaitJoins(n * (n + 1) / 2, config.settleSeconds);
            Publisher pub = new Publisher(s, pubConn);
            long deadline = System.nanoTime() + (long) ((config.aWarmupSeconds + config.aSeconds + 60) * 1e9);
            long warmEnd = System.nanoTime() + (long) (config.aWarmupSeconds * 1e9);
            pub.windowed(config.aMessageBytes, config.aWindow, Long.MAX_VALUE, () -> System.nanoTime() < warmEnd, deadline);
            CpuWindow cpu = new CpuWindow(target, config.redisPid, s.threads());
            long d0 = s.deliveries();
            long t0 = System.nanoTime();
            long end = t0 + (long) (config.aSeconds * 1e9);
            pub.windowed(config.aMessageBytes, config.aWindow, Long.MAX_VALUE, () -> System.nanoTime() < end, deadline);
            long d1 = s.deliveries();
            long t1 = System.nanoTime();
            cpu.stop(s.threads());
            boolean complete = pub.awaitDelivered(System.nanoTime() + 30_000_000_000L);
            double rate = (d1 - d0) / ((t1 - t0) / 1e9);
            r.put("deliveries per second", num(rate, "%,.0f"));
            r.put("messages per second (each to " + config.aSubscribers + ")", num(rate / config.aSubscribers, "%,.0f"));
            putCpu(r, cpu);
            r.put("lost or out of order", (complete ? "" : "INCOMPLETE; ") + s.sum(w -> w.vOrderErrors) + " out of order, "
                    + s.sum(w -> w.vClosedHealthy) + " subscribers closed");
            lastThroughput.put(target.name(), rate);
            checkHealthy(subs, r);
        }
        return r;
    }

    final Map<String, Double> lastThroughput = new LinkedHashMap<>();

    /** The CPU rows of (a) and (b): the server (a cluster: summed, and each node), Redis (--redis-pid), the rest. */
    void putCpu(Result r, CpuWindow cpu) {
        r.put("server CPU (% of one core)", cpu.server());
        if (config.redisPid > 0) {
            r.put("Redis CPU (% of one core)", info(cpu.redisPct, "%.0f %%"));
        }
        r.put("generator CPU (% of one core)", cpu.generator());
        r.put("rest of the machine (% of one core)", info(cpu.restPct, "%.0f %%"));
    }

    static void checkHealthy(List<Conn> subs, Result r) {
        long closed = subs.stream().filter(c -> c.closed).count();
        if (closed > 0) {
            r.error = closed + " healthy subscribers were closed by the server: " + closedSummary(subs);
        }
    }

    /** (b) delivery latency at a fixed rate: the send nanoTime travels in the text. */
    Result latency(Target target) throws IOException {
        Result r = new Result();
        try (Scenario s = new Scenario(target, config)) {
            List<Conn> subs = s.connect(Role.SUBSCRIBER, config.bSubscribers, config.settleSeconds, 0);
            Conn pubConn = s.connect(Role.PUBLISHER, 1, config.settleSeconds, 0).get(0);
            long n = config.bSubscribers + 1;
            s.awaitJoins(n * (n + 1) / 2, config.settleSeconds);
            Publisher pub = new Publisher(s, pubConn);
            long deadline = System.nanoTime() + (long) ((config.bWarmupSeconds + config.bSeconds + 60) * 1e9);
            long maxLag = Math.max(1000, config.bRatePerSecond * 5L);
            pub.paced(config.aMessageBytes, config.bRatePerSecond, config.bWarmupSeconds, maxLag, deadline);
            s.latencyFromSeq = pub.nextSeq;
            CpuWindow cpu = new CpuWindow(target, config.redisPid, s.threads());
            long d0 = s.deliveries();
            long t0 = System.nanoTime();
            pub.paced(config.aMessageBytes, config.bRatePerSecond, config.bSeconds, maxLag, deadline);
            boolean complete = pub.awaitDelivered(System.nanoTime() + 30_000_000_000L);
            long t1 = System.nanoTime();
            cpu.stop(s.threads());
            int nodes = target.nodes();
            int length = s.workers.get(0).latencyMicros[0].length;
            long[][] hist = new long[nodes + 1][length]; // [node] for each node, [nodes] for all of them
            long[] count = new long[nodes + 1];
            long[] overflow = new long[nodes + 1];
            for (Worker w : s.workers) {
                for (int node = 0; node < nodes; node++) {
                    for (int i = 0; i < length; i++) {
                        hist[node][i] += w.latencyMicros[node][i];
                        hist[nodes][i] += w.latencyMicros[node][i];
                    }
                    count[node] += w.latencyCount[node];
                    count[nodes] += w.latencyCount[node];
                    overflow[node] += w.latencyOverflow[node];
                    overflow[nodes] += w.latencyOverflow[node];
                }
            }
            long[] all = hist[nodes];
            r.put("deliveries per second (offered " + config.bSubscribers * config.bRatePerSecond + ")",
                    info((s.deliveries() - d0) / ((t1 - t0) / 1e9), "%,.0f"));
            r.put("p50 latency", latencyCell(percentile(all, count[nodes], 0.50), length));
            r.put("p99 latency", latencyCell(percentile(all, count[nodes], 0.99), length));
            r.put("p99.9 latency", latencyCell(percentile(all, count[nodes], 0.999), length));
            r.put("max latency", latencyCell(max(all, overflow[nodes]), length));
            for (int node = 0; node < nodes && nodes > 1; node++) {
                r.put("p50 / p99 / p99.9, subscribers on node " + (node + 1) + (node == 0 ? " (the publisher's)" : ""),
                        String.format(Locale.ROOT, "%s / %s / %s", latencyCell(percentile(hist[node], count[node], 0.50), length),
                                latencyCell(percentile(hist[node], count[node], 0.99), length),
                                latencyCell(percentile(hist[node], count[node], 0.999), length)));
            }
            putCpu(r, cpu);
            r.put("lost or out of order", (complete ? "" : "INCOMPLETE; ") + s.sum(w -> w.vOrderErrors) + " out of order, "
                    + s.sum(w -> w.vClosedHealthy) + " subscribers closed");
            checkHealthy(subs, r);
        }
        return r;
    }

    /** A latency in ms; one beyond the histogram (2 s) is shown as such, not as the histogram's last value. */
    static Object latencyCell(long micros, int histogramLength) {
        if (micros >= histogramLength) {
            return String.format(Locale.ROOT, "over %.0f ms (beyond the histogram)", histogramLength / 1000.0);
        }
        return num(micros / 1000.0, "%.2f ms");
    }

    static long percentile(long[] hist, long count, double q) {
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (int i = 0; i < hist.length; i++) {
            seen += hist[i];
            if (seen >= rank && rank > 0) {
                return i;
            }
        }
        return hist.length;
    }

    static long max(long[] hist, long overflow) {
        if (overflow > 0) {
            return hist.length;
        }
        for (int i = hist.length - 1; i >= 0; i--) {
            if (hist[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    /**
     * (c) isolation: (a)'s setup plus one subscriber that never reads (small SO_RCVBUF). A burst of
     * cBurstMessages x cBurstBytes makes it fall behind; then (a)'s 64-byte traffic runs again for aSeconds
     * with the stalled client still there (or gone), and its throughput is compared with (a).
     */
    Result isolation(Target target) throws IOException {
        Result r = new Result();
        try (Scenario s = new Scenario(target, config); MemoryProbe probe = new MemoryProbe(target)) {
            List<Conn> subs = s.connect(Role.SUBSCRIBER, config.aSubscribers, config.settleSeconds, 0);
            Conn pubConn = s.connect(Role.PUBLISHER, 1, config.settleSeconds, 0).get(0);
            long n = config.aSubscribers + 1;
            s.awaitJoins(n * (n + 1) / 2, config.settleSeconds);
            Publisher pub = new Publisher(s, pubConn);
            long deadline = System.nanoTime() + (long) ((config.cBurstSeconds + 3 * config.aSeconds + 60) * 1e9);
            // A baseline minutes, not a quarter of an hour, before the stalled run: this shared machine's load
            // drifts, so "healthy throughput with a stalled client" is compared with both this and (a).
            long warmEnd = System.nanoTime() + (long) (config.aWarmupSeconds * 1e9);
            pub.windowed(config.aMessageBytes, config.aWindow, Long.MAX_VALUE, () -> System.nanoTime() < warmEnd, deadline);
            long b0 = s.deliveries();
            long tb0 = System.nanoTime();
            long baseEnd = tb0 + (long) (config.aSeconds * 1e9);
            pub.windowed(config.aMessageBytes, config.aWindow, Long.MAX_VALUE, () -> System.nanoTime() < baseEnd, deadline);
            double baseline = (s.deliveries() - b0) / ((System.nanoTime() - tb0) / 1e9);
            pub.awaitDelivered(deadline);
            Conn stalled = s.connect(Role.STALLED, 1, config.settleSeconds, config.cStalledRcvbuf).get(0);
            s.awaitJoins(n * (n + 1) / 2 + n, config.settleSeconds);
            long heapBefore = probe.retained(true);
            long rssBefore = probe.status("VmRSS"); // after the GC, which may have shrunk the JVM's heap
            boolean peakReset = probe.resetPeak();
            Sampler sampler = new Sampler(probe);
            sampler.start();
            // the burst
            CpuWindow burstCpu = new CpuWindow(target, config.redisPid, s.threads());
            long d0 = s.deliveries();
            long t0 = System.nanoTime();
            pub.windowed(config.cBurstBytes, config.cBurstWindow, config.cBurstMessages, () -> true, deadline);
            boolean burstComplete = pub.awaitDelivered(deadline);
            long t1 = System.nanoTime();
            burstCpu.stop(s.threads());
            long burstDeliveries = s.deliveries() - d0;
            // (a) again, with the stalled client still stalled
            CpuWindow cpu = new CpuWindow(target, config.redisPid, s.threads());
            long d1 = s.deliveries();
            long t2 = System.nanoTime();
            long end = t2 + (long) (config.aSeconds * 1e9);
            pub.windowed(config.aMessageBytes, config.aWindow, Long.MAX_VALUE, () -> System.nanoTime() < end, deadline);
            long d2 = s.deliveries();
            long t3 = System.nanoTime();
            cpu.stop(s.threads());
            boolean complete = pub.awaitDelivered(System.nanoTime() + 30_000_000_000L);
            sampler.stopSampling();
            long hwm = peakReset ? probe.status("VmHWM") : sampler.maxRss;
            long heapAfter = probe.retained(true); // after GC, the stalled client still connected
            String fate = stalledFate(s, stalled, probe);
            double burstRate = burstDeliveries / ((t1 - t0) / 1e9);
            double rate = (d2 - d1) / ((t3 - t2) / 1e9);
            Double a = lastThroughput.get(target.name());
            r.put("baseline just before, no stalled client: deliveries per second (" + config.aMessageBytes + " B)",
                    num(baseline, "%,.0f"));
            r.put("burst: deliveries per second (" + config.cBurstMessages + " x " + config.cBurstBytes + " B)",
                    num(burstRate, "%,.0f"));
            r.put("burst: MiB per second delivered", num(burstRate * config.cBurstBytes / 1048576.0, "%,.0f"));
            r.put("after the burst: deliveries per second (" + config.aMessageBytes + " B, as in (a))", num(rate, "%,.0f"));
            r.put("healthy throughput after the burst vs the baseline / vs (a)", String.format(Locale.ROOT, "%.0f %% / %s",
                    100 * rate / baseline, a == null ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * rate / a)));
            r.put("stalled client", fate);
            r.put("server peak RSS during (c)" + (peakReset ? " (VmHWM)" : " (sampled)"), info(hwm / 1048576.0, "%.0f MiB"));
            r.put("server RSS growth during (c)", info((hwm - rssBefore) / 1048576.0, "%+.0f MiB"));
            r.put("heap after GC before (c) / peak sampled / after GC at the end (ws: V8 heapUsed + external)",
                    String.format(Locale.ROOT, "%s / %s / %s", mib(heapBefore), mib(sampler.maxHeap), mib(heapAfter)));
            r.put("server CPU during the burst / after (% of one core)",
                    String.format(Locale.ROOT, "%.0f %% / %.0f %%", burstCpu.serverPct, cpu.serverPct));
            if (config.redisPid > 0) {
                r.put("Redis CPU during the burst / after (% of one core)",
                        String.format(Locale.ROOT, "%.0f %% / %.0f %%", burstCpu.redisPct, cpu.redisPct));
            }
            r.put("generator CPU during the burst / after (% of one core)", burstCpu.generator() + " / " + cpu.generator());
            r.put("rest of the machine (% of one core)", String.format(Locale.ROOT, "%.0f %% / %.0f %%",
                    burstCpu.restPct, cpu.restPct));
            r.put("lost or out of order (healthy)", (burstComplete && complete ? "" : "INCOMPLETE; ")
                    + s.sum(w -> w.vOrderErrors) + " out of order, " + s.sum(w -> w.vClosedHealthy) + " subscribers closed");
            checkHealthy(subs, r);
        }
        return r;
    }

    /**
     * What the server did with a stalled client: its socket is read again for up to 5 s, which finds a close code, a
     * reset, or "still open" with the bytes the server had left in it; for ws, also what ws still buffers for it.
     */
    static String stalledFate(Scenario s, Conn stalled, MemoryProbe probe) throws IOException {
        String held = "";
        if (!s.target.isJvm()) {
            Map<String, Long> m = probe.nodeMemory(false);
            held = "; server-side backlog " + mib(m.getOrDefault("totalBuffered", 0L)) + " (bufferedAmount)";
        }
        long bytesBefore = stalled.bytesIn;
        s.onWorker(stalled, c -> c.worker.drain(c));
        long drainEnd = System.nanoTime() + 5_000_000_000L;
        waitUntil(() -> stalled.closed, drainEnd);
        String fate = !stalled.closed ? "still open"
                : stalled.closeCode > 0 ? "closed " + stalled.closeCode + " " + stalled.closeReason
                : stalled.closeReason.contains("reset")
                ? "connection reset by the server; no close frame reached it" : stalled.closeReason;
        return fate + String.format(Locale.ROOT, " (read %s when drained)%s", mib(stalled.bytesIn - bytesBefore), held);
    }

    /**
     * (f) a paced stream with a stalled client (issue 12): fSubscribers healthy subscribers get fMessageBytes
     * messages at fRatePerSecond for fSeconds, after a warm-up, while one more subscriber (SO_RCVBUF as in (c)) never
     * reads after its handshake. Healthy subscribers must get every message (none lost, none closed by the server)
     * and the stalled one must meet its policy. Unlike (c) there is no window: the rate is fixed, so a server that
     * cannot keep up shows it in its queues (Herald's queue-bytes) instead of slowing the publisher down.
     */
    Result pacedStream(Target target) throws IOException {
        Result r = new Result();
        try (Scenario s = new Scenario(target, config); MemoryProbe probe = new MemoryProbe(target)) {
            List<Conn> subs = s.connect(Role.SUBSCRIBER, config.fSubscribers, config.settleSeconds, 0);
            Conn pubConn = s.connect(Role.PUBLISHER, 1, config.settleSeconds, 0).get(0);
            long n = config.fSubscribers + 1;
            s.awaitJoins(n * (n + 1) / 2, config.settleSeconds);
            // The stalled client is there from the first message, so its queue fills during the warm-up already.
            Conn stalled = s.connect(Role.STALLED, 1, config.settleSeconds, config.cStalledRcvbuf).get(0);
            s.awaitJoins(n * (n + 1) / 2 + n, config.settleSeconds);
            Publisher pub = new Publisher(s, pubConn);
            long deadline = System.nanoTime() + (long) ((config.fWarmupSeconds + config.fSeconds + 60) * 1e9);
            // As in (b): a server more than 5 s behind the rate has failed it. The worker's completion ring must also
            // never wrap, so the lag stays below half of it.
            long maxLag = Math.min(Worker.RING / 2, Math.max(1000, config.fRatePerSecond * 5L));
            pub.paced(config.fMessageBytes, config.fRatePerSecond, config.fWarmupSeconds, maxLag, deadline);
            s.latencyFromSeq = pub.nextSeq;
            boolean peakReset = probe.resetPeak();
            CpuWindow cpu = new CpuWindow(target, config.redisPid, s.threads());
            long d0 = s.deliveries();
            long t0 = System.nanoTime();
            pub.paced(config.fMessageBytes, config.fRatePerSecond, config.fSeconds, maxLag, deadline);
            boolean complete = pub.awaitDelivered(System.nanoTime() + 30_000_000_000L);
            long t1 = System.nanoTime();
            cpu.stop(s.threads());
            long hwm = probe.status("VmHWM");
            double rate = (s.deliveries() - d0) / ((t1 - t0) / 1e9);
            // Every healthy subscriber was connected before the first message: it should have every one of them.
            // The workers' volatile counters were just read (s.deliveries()), so their subscribers' counts are seen.
            long expected = 0;
            long received = 0;
            List<Conn> healthy = subs.stream().filter(c -> !c.closed).toList();
            for (Conn c : healthy) {
                expected += pub.nextSeq;
                received += c.deliveries;
            }
            int length = s.workers.get(0).latencyMicros[0].length;
            long[] hist = new long[length];
            long count = 0;
            for (Worker w : s.workers) {
                for (int node = 0; node < target.nodes(); node++) {
                    for (int i = 0; i < length; i++) {
                        hist[i] += w.latencyMicros[node][i];
                    }
                    count += w.latencyCount[node];
                }
            }
            long offered = (long) config.fSubscribers * config.fRatePerSecond;
            r.put(String.format(Locale.ROOT, "deliveries per second (offered %,d)", offered), info(rate, "%,.0f"));
            r.put(String.format(Locale.ROOT, "MiB per second delivered (offered %.0f)",
                    offered * (double) config.fMessageBytes / 1048576), info(rate * config.fMessageBytes / 1048576, "%,.0f"));
            r.put("lost: expected - received over the healthy subscribers still open (sequence gaps)",
                    String.format(Locale.ROOT, "%s%,d of %,d (%d gaps)", complete ? "" : "INCOMPLETE; ",
                            expected - received, expected, s.sum(w -> w.vOrderErrors)));
            r.put("healthy subscribers closed by the server", (subs.size() - healthy.size()) + ": " + closedSummary(subs));
            r.put("p50 latency", latencyCell(percentile(hist, count, 0.50), length));
            r.put("p99 latency", latencyCell(percentile(hist, count, 0.99), length));
            putCpu(r, cpu);
            r.put("server peak RSS during (f)" + (peakReset ? " (VmHWM)" : " (VmHWM since the server started)"),
                    info(hwm / 1048576.0, "%.0f MiB"));
            r.put("stalled client", stalledFate(s, stalled, probe));
            checkHealthy(subs, r);
        }
        return r;
    }

    /** (d) memory per idle connection: heap after GC and RSS, before and after dConnections idle clients. */
    Result idle(Target target) throws IOException {
        Result r = new Result();
        try (Scenario s = new Scenario(target, config); MemoryProbe probe = new MemoryProbe(target)) {
            long heap0 = probe.heapUsed(true);
            // The JVM gives memory back to the OS after a full GC, concurrently (G1 uncommit): RSS is read a
            // second later, after the same GC, both times.
            LockSupport.parkNanos(1_000_000_000L);
            long rss0 = probe.status("VmRSS");
            int count = config.dConnections;
            long t0 = System.nanoTime();
            CpuWindow cpu = new CpuWindow(target, config.redisPid, s.threads());
            List<Conn> idle = s.connect(Role.IDLE, count, config.dConnectSeconds, 0);
            long tConnected = System.nanoTime();
            // Every join announcement must arrive before memory is measured, or queued frames would be counted.
            // If the server closes some connections meanwhile, fewer arrive: then wait until none has come for
            // 20 s, and report it.
            long expectedJoins = (long) count * (count + 1) / 2;
            long deadline = t0 + (long) (config.dConnectSeconds * 1e9);
            long[] last = {s.joins(), System.nanoTime()};
            boolean allJoins = waitUntil(() -> {
                long j = s.joins();
                if (j != last[0]) {
                    last[0] = j;
                    last[1] = System.nanoTime();
                }
                return j >= expectedJoins || System.nanoTime() - last[1] > 20_000_000_000L;
            }, deadline) && s.joins() >= expectedJoins;
            long t1 = allJoins ? System.nanoTime() : last[1];
            cpu.stop(s.threads());
            LockSupport.parkNanos(1_000_000_000L); // let the last writes' buffers be released
            long heap1 = probe.heapUsed(true);
            LockSupport.parkNanos(1_000_000_000L);
            long rss1 = probe.status("VmRSS");
            long open = idle.stream().filter(c -> c.open && !c.closed).count();
            long joins = s.joins();
            r.put("idle connections open when measured", info(open, "%,.0f"));
            r.put("closed by the server while connecting", closedSummary(idle));
            r.put("heap after GC: empty / with them", mib(heap0) + " / " + mib(heap1));
            r.put("heap per idle connection", num((heap1 - heap0) / (double) Math.max(1, open) / 1024, "%.1f KiB"));
            r.put("RSS: empty / with them", mib(rss0) + " / " + mib(rss1));
            r.put("RSS per idle connection", num((rss1 - rss0) / (double) Math.max(1, open) / 1024, "%.1f KiB"));
            r.put(String.format(Locale.ROOT, "join announcements received (of %,d)", expectedJoins),
                    info(joins, "%,.0f"));
            r.put("time to connect / until the last announcement", String.format(Locale.ROOT, "%.1f s / %.1f s",
                    (tConnected - t0) / 1e9, (t1 - t0) / 1e9));
            r.put("join announcements per second", num(joins / ((t1 - t0) / 1e9), "%,.0f"));
            r.put("server CPU / generator CPU while connecting",
                    String.format(Locale.ROOT, "%.0f %% / %s", cpu.serverPct, cpu.generator()));
            if (config.redisPid > 0) {
                r.put("Redis CPU while connecting (% of one core)", info(cpu.redisPct, "%.0f %%"));
            }
            r.put("rest of the machine (% of one core)", info(cpu.restPct, "%.0f %%"));
        }
        return r;
    }

    /**
     * (e) what a connection costs when nothing is broadcast: eConnections clients, each alone in a room of its own
     * ({@code rooms/idle-<server name>-<i>?name=c<i>}), each receiving only its welcome. Heap after GC and RSS per connection, the
     * connect rate, and the server's CPU per handshake (its CPU time while connecting, divided by the handshakes).
     * The first storm is the server's first handshakes, so its CPU includes the JIT compiling the handshake path;
     * once every client has left, a second storm of as many new clients (rooms {@code warm-…}) measures what a
     * running server spends.
     */
    Result idleRooms(Target target) throws IOException {
        Result r = new Result();
        int count = config.eConnections;
        try (MemoryProbe probe = new MemoryProbe(target)) {
            Storm first;
            try (Scenario s = new Scenario(target, config)) {
                long heap0 = probe.heapUsed(true);
                LockSupport.parkNanos(1_000_000_000L); // RSS after the GC's uncommit, as in (d)
                long rss0 = probe.status("VmRSS");
                first = storm(s, target, "idle");
                LockSupport.parkNanos(1_000_000_000L);
                long heap1 = probe.heapUsed(true);
                LockSupport.parkNanos(1_000_000_000L);
                long rss1 = probe.status("VmRSS");
                r.put("idle room connections open when measured", info(first.open, "%,.0f"));
                r.put("closed by the server while connecting", first.closed);
                r.put(String.format(Locale.ROOT, "welcomes received (of %,d)", count), first.welcomes);
                r.put("heap after GC: empty / with them", mib(heap0) + " / " + mib(heap1));
                r.put("heap per idle connection", num((heap1 - heap0) / (double) Math.max(1, first.open) / 1024, "%.1f KiB"));
                r.put("RSS: empty / with them", mib(rss0) + " / " + mib(rss1));
                r.put("RSS per idle connection", num((rss1 - rss0) / (double) Math.max(1, first.open) / 1024, "%.1f KiB"));
                if (config.eHold != null) {
                    hold(target, first);
                }
            }
            if (config.eStorms < 2) {
                r.put("time to connect and be welcomed", info(first.seconds, "%.1f s"));
                r.put("connections per second", num(count / first.seconds, "%,.0f"));
                r.put("server CPU per handshake", num(first.cpuPerHandshakeMicros(count), "%.0f µs"));
                r.put("server CPU / generator CPU while connecting",
                        String.format(Locale.ROOT, "%.0f %% / %s", first.cpu.serverPct, first.cpu.generator()));
                r.put("rest of the machine (% of one core)", info(first.cpu.restPct, "%.0f %%"));
                return r;
            }
            // Scenario.close closed every client; the server's side of the closes takes a moment.
            LockSupport.parkNanos(5_000_000_000L);
            Storm second;
            try (Scenario s = new Scenario(target, config)) {
                second = storm(s, target, "warm");
                r.put("second storm: closed by the server / welcomes", second.closed + " / " + second.welcomes);
            }
            r.put("time to connect and be welcomed: first storm / second", info(first.seconds, "%.1f s") + " / "
                    + info(second.seconds, "%.1f s"));
            r.put("connections per second, first storm (cold server)", num(count / first.seconds, "%,.0f"));
            r.put("connections per second, second storm (warm)", num(count / second.seconds, "%,.0f"));
            r.put("server CPU per handshake, first storm (cold server)", num(first.cpuPerHandshakeMicros(count), "%.0f µs"));
            r.put("server CPU per handshake, second storm (warm)", num(second.cpuPerHandshakeMicros(count), "%.0f µs"));
            r.put("server CPU / generator CPU while connecting: first / second", String.format(Locale.ROOT,
                    "%.0f %% / %s; %.0f %% / %s", first.cpu.serverPct, first.cpu.generator(), second.cpu.serverPct,
                    second.cpu.generator()));
            r.put("rest of the machine (% of one core), first / second",
                    String.format(Locale.ROOT, "%.0f %% / %.0f %%", first.cpu.restPct, second.cpu.restPct));
        }
        return r;
    }

    /**
     * (e) with --e-hold DIR: several generators, each against one node of a cluster, hold their clients until every
     * one of them is connected, so that run.sh can measure the whole cluster at once. Writes DIR/NAME.ready (the
     * count still open, and the storm's first handshake and last welcome in epoch milliseconds) and waits, at most
     * dConnectSeconds, for DIR/release.
     */
    void hold(Target target, Storm storm) throws IOException {
        long open = storm.open();
        Path ready = config.eHold.resolve(target.name() + ".ready");
        Files.writeString(config.eHold.resolve(target.name() + ".tmp"),
                open + " " + storm.startMillis() + " " + (storm.startMillis() + Math.round(storm.seconds() * 1000)) + "\n");
        Files.move(config.eHold.resolve(target.name() + ".tmp"), ready, StandardCopyOption.ATOMIC_MOVE);
        System.err.printf(Locale.ROOT, "  (e): %s holds %,d connections until %s exists%n", target.name(), open,
                config.eHold.resolve("release"));
        long deadline = System.nanoTime() + (long) (config.dConnectSeconds * 1e9);
        if (!waitUntil(() -> Files.exists(config.eHold.resolve("release")), deadline)) {
            System.err.println("  (e): no release before the deadline; going on");
        }
    }

    /** One storm of (e): how long it took, the CPU it cost, and what the clients got. */
    record Storm(long startMillis, double seconds, CpuWindow cpu, long open, String closed, String welcomes) {
        double cpuPerHandshakeMicros(int handshakes) {
            return cpu.serverPct / 100 * seconds / handshakes * 1e6;
        }
    }

    /**
     * Connects eConnections clients, each to room {@code <prefix>-<server name>-<i>}, and waits until each has its
     * welcome. The server's name keeps the rooms of generators against different nodes of one cluster apart.
     */
    Storm storm(Scenario s, Target target, String prefix) throws IOException {
        int count = config.eConnections;
        String base = target.path();
        long startMillis = System.currentTimeMillis();
        long t0 = System.nanoTime();
        CpuWindow cpu = new CpuWindow(target, config.redisPid, s.threads());
        List<Conn> idle = s.connect(Role.IDLE, count, config.dConnectSeconds, 0,
                i -> base + "rooms/" + prefix + "-" + target.name() + "-" + i + "?name=c" + i);
        // Every client is either welcomed or closed by the server (1013 at a limit): waiting longer would time out.
        boolean allWelcomed = waitUntil(() -> s.joins() + idle.stream().filter(c -> c.closed).count() >= count,
                t0 + (long) (config.dConnectSeconds * 1e9)) && s.joins() >= count;
        long t1 = System.nanoTime();
        cpu.stop(s.threads());
        long open = idle.stream().filter(c -> c.open && !c.closed).count();
        return new Storm(startMillis, (t1 - t0) / 1e9, cpu, open, closedSummary(idle),
                info(s.joins(), "%,.0f") + (allWelcomed ? "" : " (timed out)"));
    }

    // ---------------------------------------------------------------- main

    interface ScenarioRun {
        Result run(Target target) throws IOException;
    }

    void runScenario(String title, ScenarioRun run) {
        Map<String, Result> results = new LinkedHashMap<>();
        for (Target t : targets) {
            long started = System.nanoTime();
            Result r;
            try {
                r = run.run(t);
            } catch (IOException | RuntimeException e) {
                r = new Result();
                r.error = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            results.put(t.name(), r);
            System.err.printf(Locale.ROOT, "  %s: %s done in %.1f s%s%n", title.substring(0, 3), t.name(),
                    (System.nanoTime() - started) / 1e9, r.error == null ? "" : " (" + r.error + ")");
            // Let the server settle (the closed connections' cleanup, GC) before the next run.
            LockSupport.parkNanos(2_000_000_000L);
        }
        print(title, results);
    }

    void print(String title, Map<String, Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n### ").append(title).append("\n\n");
        List<String> names = new ArrayList<>(results.keySet());
        sb.append("| measure |");
        for (String n : names) {
            sb.append(' ').append(n).append(" |");
        }
        // Ratios: the first server to the last (herald / ws); any server in between (herald-cluster) to the first.
        List<int[]> ratios = new ArrayList<>();
        for (int i = 1; i < names.size() - 1; i++) {
            ratios.add(new int[] {i, 0});
        }
        if (names.size() >= 2) {
            ratios.add(new int[] {0, names.size() - 1});
        }
        for (int[] q : ratios) {
            sb.append(' ').append(names.get(q[0])).append(" / ").append(names.get(q[1])).append(" |");
        }
        sb.append("\n|---|");
        sb.append("---|".repeat(names.size() + ratios.size()));
        sb.append('\n');
        // Every server's measures, in order; a measure only some servers have (a cluster's per-node rows) goes
        // right after the one it follows in their results.
        List<String> measures = new ArrayList<>();
        for (Result r : results.values()) {
            String previous = null;
            for (String m : r.values.keySet()) {
                if (!measures.contains(m)) {
                    measures.add(previous == null ? 0 : measures.indexOf(previous) + 1, m);
                }
                previous = m;
            }
        }
        for (String m : measures) {
            sb.append("| ").append(m).append(" |");
            for (String n : names) {
                Object v = results.get(n).values.get(m);
                sb.append(' ').append(v == null ? "" : v).append(" |");
            }
            for (int[] q : ratios) {
                Object x = results.get(names.get(q[0])).values.get(m);
                Object y = results.get(names.get(q[1])).values.get(m);
                String cell = "";
                if (x instanceof Num nx && y instanceof Num ny && nx.ratio() && ny.value() != 0) {
                    cell = String.format(Locale.ROOT, "%.2f", nx.value() / ny.value());
                }
                sb.append(' ').append(cell).append(" |");
            }
            sb.append('\n');
        }
        for (String n : names) {
            if (results.get(n).error != null) {
                sb.append("\n").append(n).append(": ").append(results.get(n).error).append('\n');
            }
        }
        System.out.print(sb);
        System.out.flush();
    }

    static final String USAGE = """
            usage: java bench/LoadGenerator.java --server NAME:PORT:PID[:MEMPORT]... [options]
              --server herald:PORT:PID       a JVM server (heap read through the attach API and JMX)
              --server herald-cluster:PORT1,PORT2:PID1,PID2
                                             JVM nodes serving one chat (e.g. on one Redis): subscriber i connects
                                             to node i % nodes, the publisher to the first; CPU and memory summed
              --server ws:PORT:PID:MEMPORT   the ws reference (memory read from http://127.0.0.1:MEMPORT/mem)
              --redis-pid PID                a cluster's Redis: its CPU gets a row of its own
              --quick                        smaller counts, a smoke check
              --scenarios a,b,c,d,e,f        which scenarios to run (default a,b,c,d; e and f only when named)
              --subscribers N                subscribers in (a), (b) and (c) (default 500)
              --a-seconds S, --a-window W    length and window of the throughput runs (10 s, 64 messages)
              --b-subscribers N, --b-rate R  latency run: N subscribers, R messages/s (500 x 50/s)
              --c-messages N                 size of (c)'s 4 KiB burst (10 000)
              --f-subscribers N, --f-bytes B, --f-rate R, --f-seconds S
                                             (f) paced stream: N subscribers, B-byte messages at R/s for S s, plus
                                             one stalled subscriber (100 x 4096 B x 500/s, 20 s: 200 MB/s)
              --d-connections N              idle connections in (d) (10 000)
              --e-connections N              idle room connections in (e), one room each (10 000)
              --e-storms 1|2                 (e): the cold storm only, or a second (warm) one after it (2)
              --e-hold DIR                   (e): once connected, write DIR/<server name>.ready and wait for
                                             DIR/release (run.sh --spread: the whole cluster measured at once)
              --workers N                    selector threads (2)
              --connect-concurrency N        handshakes in flight at once (200); run.sh --spread shares 200 between
                                             its generators
              --path /herald/                the WebSocket path of the JVM servers, Herald (default /; ws keeps /)
            Servers must listen on 127.0.0.1; each scenario prints a Markdown table with the ratio of the first
            server to the last, and of any server in between (a cluster) to the first.""";

    public static void main(String[] args) throws Exception {
        Config config = new Config();
        List<Target> targets = new ArrayList<>();
        String scenarios = "a,b,c,d";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> config.quick();
                case "--scenarios" -> scenarios = args[++i];
                case "--workers" -> config.workers = Integer.parseInt(args[++i]);
                case "--a-seconds" -> config.aSeconds = Double.parseDouble(args[++i]);
                case "--a-window" -> config.aWindow = Integer.parseInt(args[++i]);
                case "--subscribers" -> config.aSubscribers = config.bSubscribers = Integer.parseInt(args[++i]);
                case "--b-subscribers" -> config.bSubscribers = Integer.parseInt(args[++i]);
                case "--b-rate" -> config.bRatePerSecond = Integer.parseInt(args[++i]);
                case "--c-messages" -> config.cBurstMessages = Integer.parseInt(args[++i]);
                case "--f-subscribers" -> config.fSubscribers = Integer.parseInt(args[++i]);
                case "--f-bytes" -> config.fMessageBytes = Integer.parseInt(args[++i]);
                case "--f-rate" -> config.fRatePerSecond = Integer.parseInt(args[++i]);
                case "--f-seconds" -> config.fSeconds = Double.parseDouble(args[++i]);
                case "--d-connections" -> config.dConnections = Integer.parseInt(args[++i]);
                case "--e-connections" -> config.eConnections = Integer.parseInt(args[++i]);
                case "--e-storms" -> config.eStorms = Integer.parseInt(args[++i]);
                case "--connect-concurrency" -> config.connectConcurrency = Integer.parseInt(args[++i]);
                case "--e-hold" -> config.eHold = Path.of(args[++i]);
                case "--path" -> {
                    config.heraldPath = args[++i];
                    if (!config.heraldPath.startsWith("/") || config.heraldPath.matches(".*\\s.*")) {
                        System.err.println("--path must start with / and hold no spaces: " + config.heraldPath);
                        System.exit(2);
                    }
                }
                case "--redis-pid" -> config.redisPid = Long.parseLong(args[++i]);
                case "--server" -> {
                    // name:port[,port...]:pid[,pid...][:memport]
                    String[] f = args[++i].split(":");
                    List<Integer> ports = java.util.Arrays.stream(f[1].split(",")).map(Integer::valueOf).toList();
                    List<Long> pids = java.util.Arrays.stream(f[2].split(",")).map(Long::valueOf).toList();
                    if (ports.size() != pids.size()) {
                        System.err.println("--server " + args[i] + ": one pid per port");
                        System.exit(2);
                    }
                    targets.add(new Target(f[0], ports, pids, f.length > 3 ? Integer.parseInt(f[3]) : 0, "/"));
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        if (targets.isEmpty()) {
            System.err.println(USAGE);
            System.exit(2);
        }
        // --path applies to the JVM servers, Herald (one node or a cluster); ws keeps "/".
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (t.isJvm()) {
                targets.set(i, new Target(t.name(), t.ports(), t.pids(), t.memPort(), config.heraldPath));
            }
        }
        LoadGenerator gen = new LoadGenerator(config, targets);
        List<String> chosen = List.of(scenarios.split(","));
        if (chosen.contains("a")) {
            gen.runScenario(String.format(Locale.ROOT, "(a) throughput: %d subscribers, %d-byte messages, window %d, %.0f s",
                    config.aSubscribers, config.aMessageBytes, config.aWindow, config.aSeconds), gen::throughput);
        }
        if (chosen.contains("b")) {
            gen.runScenario(String.format(Locale.ROOT, "(b) latency at %,d deliveries/s: %d subscribers x %d messages/s, %d-byte messages, %.0f s",
                    config.bSubscribers * config.bRatePerSecond, config.bSubscribers, config.bRatePerSecond,
                    config.aMessageBytes, config.bSeconds), gen::latency);
        }
        if (chosen.contains("c")) {
            gen.runScenario(String.format(Locale.ROOT, "(c) isolation: (a) plus 1 subscriber that never reads (SO_RCVBUF %d), burst %,d x %d B",
                    config.cStalledRcvbuf, config.cBurstMessages, config.cBurstBytes), gen::isolation);
        }
        if (chosen.contains("f")) {
            long offered = (long) config.fSubscribers * config.fRatePerSecond;
            gen.runScenario(String.format(Locale.ROOT, "(f) paced stream with a stalled client: %d subscribers x %d messages/s of %d B"
                    + " (%,d deliveries/s, %.0f MB/s), %.0f s, plus 1 subscriber that never reads (SO_RCVBUF %d)",
                    config.fSubscribers, config.fRatePerSecond, config.fMessageBytes, offered,
                    offered * (double) config.fMessageBytes / 1e6, config.fSeconds, config.cStalledRcvbuf), gen::pacedStream);
        }
        if (chosen.contains("d")) {
            gen.runScenario(String.format(Locale.ROOT, "(d) memory per idle connection: %,d idle connections", config.dConnections),
                    gen::idle);
        }
        if (chosen.contains("e")) {
            gen.runScenario(String.format(Locale.ROOT, "(e) idle room connections: %,d, one room each", config.eConnections),
                    gen::idleRooms);
        }
    }
}
