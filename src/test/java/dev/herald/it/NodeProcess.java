package dev.herald.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One standalone Herald node in its own JVM, started the way an operator runs it
 * ({@code java -cp … dev.herald.standalone.HeraldServer --port P …}), so that a test can kill it as a crash would.
 */
final class NodeProcess implements AutoCloseable {

    static final String MAIN_CLASS = "dev.herald.standalone.HeraldServer";

    /** A cold JVM with Tyrus and Grizzly on a machine whose two cores are shared needs seconds, not minutes. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);
    /** StandaloneServer logs this once the listener is bound and Tyrus is deployed on it: the last start step. */
    private static final String LISTENING = "Herald listening on ";

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    /** Where this node's lines start: a node started again with the same name and port appends to the same log. */
    private final long logOffset;

    private NodeProcess(String name, int port, Process process, Path log, long logOffset) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.logOffset = logOffset;
    }

    /**
     * Starts a node and waits until it accepts connections. {@code flags} are setting keys without the dashes
     * ({@code "history-size"}); they override the defaults here ({@code drain-seconds} 0, a free port).
     * {@code environment} is the node's only source of {@code HERALD_*} variables.
     */
    static NodeProcess start(String name, Map<String, String> flags, Map<String, String> environment)
            throws IOException, InterruptedException {
        return start(name, flags, environment, List.of());
    }

    /** As {@link #start(String, Map, Map)}, with options for the node's JVM ({@code -Dkey=value}). */
    static NodeProcess start(String name, Map<String, String> flags, Map<String, String> environment,
                             List<String> jvmOptions) throws IOException, InterruptedException {
        return start(name, flags, environment, jvmOptions, List.of());
    }

    /**
     * As {@link #start(String, Map, Map, List)}, with {@code launcher} before the {@code java} command: for instance
     * {@code prlimit --nofile=1024:1024 --}, to run the node under a lower open-files limit.
     */
    static NodeProcess start(String name, Map<String, String> flags, Map<String, String> environment,
                             List<String> jvmOptions, List<String> launcher) throws IOException, InterruptedException {
        int port = flags.containsKey("port") ? Integer.parseInt(flags.get("port")) : freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("port", Integer.toString(port));
        // A killed or stopped node is what the tests want to see at once, not a 10 s graceful drain.
        settings.put("drain-seconds", "0");
        settings.putAll(flags);
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                // Failsafe puts the real test class path here (target/classes and every dependency, the provided
                // Tyrus and Grizzly included), even when it boots the test JVM from a manifest-only jar.
                "-cp", System.getProperty("java.class.path"),
                MAIN_CLASS));
        settings.forEach((key, value) -> command.addAll(List.of("--" + key, value)));

        Path dir = Path.of("target", "nodes").toAbsolutePath();
        Files.createDirectories(dir);
        Path log = dir.resolve(name + "-" + port + ".log");
        long offset = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // HERALD_* variables would override the defaults silently: the build's environment must not reach a node.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("HERALD_"));
        builder.environment().putAll(environment);
        NodeProcess node = new NodeProcess(name, port, builder.start(), log, offset);
        try {
            node.awaitStarted();
        } catch (IOException | RuntimeException | InterruptedException e) {
            node.kill9();
            throw e;
        }
        return node;
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** What this node has written to stdout and stderr so far. */
    String log() throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logOffset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    /** SIGKILL, as a crash would: no close frame, no drain, its clients' connections just drop. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("node " + name + " (pid " + process.pid() + ") survived SIGKILL for "
                    + KILL_TIMEOUT);
        }
    }

    /** SIGTERM, which runs the server's shutdown hook; SIGKILL if it has not exited within 15 s. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            kill9();
        }
    }

    /** Stops the node, if it still runs; its log stays under target/nodes for a failing test to read. */
    @Override
    public void close() throws InterruptedException {
        stop();
    }

    @Override
    public String toString() {
        return "node " + name + " on port " + port + " (pid " + process.pid() + ", log " + log + ")";
    }

    /**
     * Both the log line and a connect: the line says Herald itself is up (not something else on the port), the
     * connect that the port accepts from here.
     */
    private void awaitStarted() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException(this + " exited with " + process.exitValue() + " while starting: " + logTail());
            }
            if (listening() && accepts()) {
                return;
            }
            // Waiting on the process, not sleeping: an exit (a bad flag, a taken port) ends the pause at once.
            process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
        throw new IOException(this + " did not start within " + START_TIMEOUT + ": " + logTail());
    }

    private boolean listening() throws IOException {
        String suffix = ":" + port + "/";
        return log().lines().anyMatch(line -> line.contains(LISTENING) && line.endsWith(suffix));
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = log().lines().toList();
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
}
