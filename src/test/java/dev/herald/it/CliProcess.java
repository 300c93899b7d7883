package dev.herald.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/herald-cli.jar …} as a separate process, the way people run it: its stdout and stderr
 * are collected line by line, stdin can be written to, and every wait has a timeout.
 */
final class CliProcess implements AutoCloseable {

    /** Built by `mvn package` (the `cli` assembly), before the integration tests run. */
    static final Path JAR = Path.of("target", "herald-cli.jar");

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> pendingErrors = new LinkedBlockingQueue<>();
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    private CliProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        readers.add(collect(process.getInputStream(), line -> {
            stdout.add(line);
            pending.add(line);
        }, "stdout"));
        readers.add(collect(process.getErrorStream(), line -> {
            stderr.add(line);
            pendingErrors.add(line);
        }, "stderr"));
    }

    static CliProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    static CliProcess start(Map<String, String> environment, String... args) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run `mvn package` (or `mvn verify`) to build it");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Secrets come only from what a test passes, never from the environment the build runs in.
        builder.environment().remove("HERALD_TRUSTSTORE_PASSWORD");
        builder.environment().remove("HERALD_TOKEN");
        builder.environment().putAll(environment);
        return new CliProcess(builder.start());
    }

    /** Runs the CLI with stdin closed and waits for it to exit. */
    static CliProcess run(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(Map.of(), timeout, args);
    }

    static CliProcess run(Map<String, String> environment, Duration timeout, String... args)
            throws IOException, InterruptedException {
        CliProcess cli = start(environment, args);
        cli.closeInput();
        cli.awaitExit(timeout);
        return cli;
    }

    /** The next stdout line matching {@code pattern}; lines before it are skipped. */
    String awaitLine(String pattern, Duration timeout) throws InterruptedException {
        return await(pending, "stdout", pattern, timeout);
    }

    /** The next stderr line matching {@code pattern}; stderr lines before it are skipped. */
    String awaitError(String pattern, Duration timeout) throws InterruptedException {
        return await(pendingErrors, "stderr", pattern, timeout);
    }

    private String await(BlockingQueue<String> lines, String stream, String pattern, Duration timeout)
            throws InterruptedException {
        Pattern wanted = Pattern.compile(pattern);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && wanted.matcher(line).find()) {
                return line;
            }
        }
        throw new AssertionError("no " + stream + " line matching /" + pattern + "/ within " + timeout + "; " + this);
    }

    void writeLine(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    void closeInput() throws IOException {
        stdin.close();
    }

    /** Waits for the exit and returns the exit code; a CLI that does not exit fails the test and is killed. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("herald-cli did not exit within " + timeout + "; " + this);
        }
        // The readers end when the pipes close; joining them makes the last lines visible to the test.
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        }
        return process.exitValue();
    }

    int exitCode() {
        return process.exitValue();
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    String stderr() {
        return String.join("\n", stderr);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "stdout=" + stdout + ", stderr=" + stderr;
    }

    private static Thread collect(InputStream stream, Consumer<String> sink, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The process was killed; what was read so far stays available.
            }
        }, "herald-cli-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
