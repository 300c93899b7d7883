package dev.herald.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's, from {@code /usr/bin}) on a free loopback port, in a throwaway directory
 * under {@code target/redis/}, that a test can kill and restart from the last snapshot it saved.
 */
final class RedisProcess implements AutoCloseable {

    static final String SERVER = "/usr/bin/redis-server";

    /** Covers a cold start on a busy, shared machine; a healthy redis-server answers within milliseconds. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #restart()} keeps trying the same port while the previous server's socket lingers. */
    private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(50);

    private final int port;
    private final Path dir;
    private final Path log;
    private final List<String> extraArguments;
    private volatile Process process;
    /** Where the current server's lines start in the log, which every start appends to. */
    private long logOffset;

    private RedisProcess(int port, Path dir) {
        this(port, dir, List.of());
    }

    private RedisProcess(int port, Path dir, List<String> extraArguments) {
        this.port = port;
        this.dir = dir;
        this.log = dir.resolve("redis.log");
        this.extraArguments = List.copyOf(extraArguments);
    }

    /** Starts a redis-server with an empty data set and waits until it answers {@code PING}. */
    static RedisProcess start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /**
     * Starts a redis-server that also speaks TLS on {@code tlsPort}, with this certificate and key (PEM), and does not
     * ask clients for certificates; its plain port stays open for the tests' own commands.
     */
    static RedisProcess startTls(int tlsPort, Path certificate, Path key) throws IOException, InterruptedException {
        return start(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certificate.toString(),
                "--tls-key-file", key.toString(), "--tls-ca-cert-file", certificate.toString(),
                "--tls-auth-clients", "no"));
    }

    private static RedisProcess start(List<String> extraArguments) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(SERVER))) {
            throw new IllegalStateException("the cluster tests need Debian's redis-server at " + SERVER
                    + ": install it with apt-get install redis-server");
        }
        Path root = Path.of("target", "redis").toAbsolutePath();
        Files.createDirectories(root);
        RedisProcess redis = new RedisProcess(freePort(), Files.createTempDirectory(root, "redis-"), extraArguments);
        // A fresh port that is taken at once was taken by someone else: no point waiting for it.
        redis.launch(System.nanoTime());
        return redis;
    }

    int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** The server's working directory: its {@code dump.rdb} and {@code redis.log}. */
    Path dir() {
        return dir;
    }

    /** The pid of the server running now (a new one after {@link #restart()}). */
    long pid() {
        return process.pid();
    }

    /**
     * Runs one command and returns its reply as {@code redis-cli --raw} would print it, without the last newline:
     * a status or bulk string as is, an integer in decimal, a nil as "", an array's elements one per line.
     *
     * <p>It speaks RESP over a socket instead of running {@code redis-cli}, because redis-cli 7.0 exits with 0 and
     * prints to stdout when the server replies with an error, so a mistyped command would pass unnoticed.
     *
     * @throws IOException when the server cannot be reached, does not answer within 10 s, or replies with an error
     */
    String command(String... args) throws IOException {
        return call(port, COMMAND_TIMEOUT, args);
    }

    /** SIGTERM, then SIGKILL if the server has not exited within 10 s; does nothing once it has exited. */
    synchronized void stop() throws InterruptedException {
        Process running = process;
        running.destroy();
        if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    /** SIGKILL, as a crash would: nothing is saved. Does nothing once the server has exited. */
    synchronized void kill() throws InterruptedException {
        Process running = process;
        running.destroyForcibly();
        if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("redis-server " + running.pid() + " survived SIGKILL for " + STOP_TIMEOUT);
        }
    }

    /**
     * Starts a new redis-server on the same port and in the same directory, after {@link #stop()} or
     * {@link #kill()}; it loads the {@code dump.rdb} that the last {@code SAVE} wrote, so the data set is the one
     * of that snapshot. Returns this fixture, which now holds the new server.
     */
    synchronized RedisProcess restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException(
                    "redis-server " + process.pid() + " is still running: stop() or kill() it first");
        }
        launch(System.nanoTime() + REBIND_TIMEOUT.toNanos());
        return this;
    }

    /** Stops the server; its directory stays, so that a failing test's log and snapshot can be read. */
    @Override
    public void close() throws InterruptedException {
        stop();
    }

    @Override
    public String toString() {
        return "redis-server on port " + port + " in " + dir;
    }

    /**
     * Starts the server and waits until it answers; while it exits because the port is in use, starts it again
     * until {@code rebindDeadline} (a {@link System#nanoTime()} value) has passed.
     */
    private void launch(long rebindDeadline) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SERVER, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                // No snapshots unless a test asks for one with SAVE, no append-only file: the data set on a
                // restart is exactly the last SAVE's.
                "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--dbfilename", "dump.rdb",
                // In the foreground: the Process we hold is the server itself, so its pid is the server's.
                "--daemonize", "no"));
        command.addAll(extraArguments);
        while (true) {
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (awaitReady()) {
                return;
            }
            if (System.nanoTime() - rebindDeadline >= 0) {
                throw new IOException("redis-server could not bind port " + port + ": " + logTail());
            }
            // The port is still held, by a socket of the previous server or by another process: try again shortly.
            Thread.sleep(POLL.toMillis());
        }
    }

    /** True once our server answers PING; false when it exited because the port was in use; throws otherwise. */
    private boolean awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                if (logSinceStart().contains("Address already in use")) {
                    return false;
                }
                throw new IOException("redis-server exited with " + process.exitValue() + " before answering PING: "
                        + logTail());
            }
            try {
                // While it loads a snapshot the server answers -LOADING, which call() throws like a refused connect.
                if ("PONG".equals(call(port, Duration.ofSeconds(1), "PING"))) {
                    checkItIsOurs();
                    return true;
                }
            } catch (IOException e) {
                last = e;
            }
            // Waiting on the process, not sleeping: an exit ends the pause at once.
            process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        throw new IOException("redis-server on port " + port + " did not answer PING within " + START_TIMEOUT
                + " (last: " + last + "): " + logTail());
    }

    /** Another process may have bound the port between freePort() and our start: its PONG must not count. */
    private void checkItIsOurs() throws IOException, InterruptedException {
        String ours = "process_id:" + process.pid();
        if (!call(port, COMMAND_TIMEOUT, "INFO", "server").lines().anyMatch(line -> line.strip().equals(ours))) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            throw new IOException("port " + port + " is answered by another redis-server than pid " + process.pid()
                    + ": " + logTail());
        }
    }

    private String logSinceStart() throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logOffset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private String logTail() {
        try {
            List<String> lines = logSinceStart().lines().toList();
            return log + " ends with:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return log + " is unreadable: " + e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** One command as a RESP array of bulk strings; the whole exchange ends within {@code timeout}. */
    private static String call(int port, Duration timeout, String... args) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), millisLeft(deadline));
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            List<String> lines = new ArrayList<>();
            new Reply(socket, new BufferedInputStream(socket.getInputStream()), deadline).read(lines);
            return String.join("\n", lines);
        } catch (ReplyError e) {
            throw new IOException("redis on port " + port + " answered " + Arrays.toString(args) + " with: "
                    + e.getMessage(), e);
        }
    }

    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("no reply in time");
        }
        return (int) left;
    }

    /** An error reply ({@code -ERR …}); a separate type so that its message is the server's text. */
    private static final class ReplyError extends IOException {
        ReplyError(String message) {
            super(message);
        }
    }

    /** Reads one RESP2 reply into lines, the way {@code redis-cli --raw} prints it. */
    private record Reply(Socket socket, InputStream in, long deadline) {

        void read(List<String> lines) throws IOException {
            String header = line();
            if (header.isEmpty()) {
                throw new IOException("empty reply header");
            }
            String rest = header.substring(1);
            switch (header.charAt(0)) {
                case '+', ':' -> lines.add(rest);
                case '-' -> throw new ReplyError(rest);
                case '$' -> {
                    int length = Integer.parseInt(rest);
                    lines.add(length < 0 ? "" : bulk(length));
                }
                case '*' -> {
                    int count = Integer.parseInt(rest);
                    if (count < 0) {
                        lines.add("");
                    }
                    for (int i = 0; i < count; i++) {
                        read(lines);
                    }
                }
                default -> throw new IOException("not a RESP2 reply: " + header);
            }
        }

        private String bulk(int length) throws IOException {
            socket.setSoTimeout(millisLeft(deadline));
            byte[] bytes = in.readNBytes(length + 2);
            if (bytes.length < length + 2) {
                throw new IOException("the connection closed inside a bulk reply");
            }
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            socket.setSoTimeout(millisLeft(deadline));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed before a reply");
                }
                bytes.write(b);
            }
            String text = bytes.toString(StandardCharsets.UTF_8);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }
}
