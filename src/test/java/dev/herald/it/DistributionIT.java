package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server distribution that `mvn package` builds, target/herald-server-&lt;version&gt;.tar.gz, used the way an
 * operator uses it: unpacked with {@code tar} into an empty directory and started with {@code bin/herald} in an
 * environment that holds nothing but a Java runtime (no Maven, no class path, no HERALD_* variables). The seed's
 * steps then run against it, and SIGTERM must drain and stop it. Also: the zip has the same files, the archive
 * ships no tests and no CLI, the launcher jar's manifest names every jar beside it, and bin/herald layers
 * conf/herald.env under the environment, system properties and flags.
 */
@Timeout(180)
class DistributionIT {

    private static final Path TARGET = Path.of("target");
    /** A cold JVM with Tyrus and Grizzly on a machine whose two cores are shared needs seconds, not minutes. */
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration FRAME = Duration.ofSeconds(10);
    /** The default drain-seconds (10) plus 10 s. */
    private static final Duration STOP = Duration.ofSeconds(20);
    /** What the JVM exits with after SIGTERM once its shutdown hooks (Herald's drain) have run: 128 + 15. */
    private static final int EXIT_AFTER_SIGTERM = 143;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path work;

    private static String version;
    private static Path archive;
    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        archive = archive("tar.gz");
        String name = archive.getFileName().toString();
        version = name.substring("herald-server-".length(), name.length() - ".tar.gz".length());
        home = untar(work.resolve("opt"));
    }

    @Test
    void theArchiveHoldsTheScriptTheConfigurationAndEveryRuntimeJar() throws Exception {
        String base = "herald-server-" + version + "/";
        Set<String> tar = new TreeSet<>(run(Duration.ofSeconds(60), "tar", "tzf", archive.toString()));
        Set<String> files = tar.stream().filter(entry -> !entry.endsWith("/")).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(files.stream().allMatch(entry -> entry.startsWith(base)), "every entry under " + base + ": " + files);
        for (String needed : List.of("bin/herald", "conf/herald.env", "lib/herald-server.jar", "LICENSE", "README.txt")) {
            assertTrue(files.contains(base + needed), needed + " is missing: " + files);
        }
        Set<String> topLevel = files.stream().map(entry -> entry.substring(base.length()).replaceFirst("/.*", "/"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("LICENSE", "README.txt", "bin/", "conf/", "lib/")), topLevel);

        // The zip carries the same files (it also lists the directories, which the tar leaves implicit).
        try (ZipFile zip = new ZipFile(archive("zip").toFile())) {
            Set<String> zipFiles = zip.stream().filter(entry -> !entry.isDirectory()).map(ZipEntry::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(files, zipFiles, "the zip and the tar.gz differ");
        }

        // tar kept the mode: the script runs as it is, and the configuration is the one the repository documents.
        Path script = home.resolve("bin/herald");
        assertTrue(Files.isExecutable(script), script + " is not executable");
        assertTrue(Files.readString(script).startsWith("#!/bin/sh\n"), "bin/herald is not a POSIX sh script with unix line ends");
        assertEquals(Files.readString(Path.of("server-config/tyrus/herald.env")), Files.readString(home.resolve("conf/herald.env")));

        List<String> jars = jarsIn(home.resolve("lib"));
        for (String needed : List.of("tyrus-server", "tyrus-core", "tyrus-spi", "tyrus-container-grizzly-server",
                "grizzly-framework", "grizzly-http-server", "grizzly-http", "yasson", "parsson", "jakarta.json-api",
                "jakarta.json.bind-api", "jakarta.websocket-api", "nimbus-jose-jwt", "lettuce-core", "netty-common",
                "netty-handler", "reactor-core", "reactive-streams", "slf4j-api", "slf4j-jdk14",
                "grizzly-http-servlet", "jakarta.servlet-api")) {
            assertTrue(jars.stream().anyMatch(jar -> jar.matches(Pattern.quote(needed) + "-\\d[^/]*\\.jar")),
                    needed + " is missing from lib/: " + jars);
        }
        List<String> unwanted = jars.stream()
                .filter(jar -> jar.matches("(?i).*(picocli|junit|opentest4j|apiguardian|arquillian|selenium|wildfly"
                        + "|payara|glassfish-|-tests?\\.jar).*"))
                .toList();
        assertEquals(List.of(), unwanted, "lib/ must hold the server's runtime only");
    }

    @Test
    void theLauncherJarRunsTheServerWithEveryJarBesideItOnItsClassPath() throws Exception {
        Path lib = home.resolve("lib");
        try (JarFile jar = new JarFile(lib.resolve("herald-server.jar").toFile())) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("dev.herald.standalone.HeraldServer", manifest.getValue(Attributes.Name.MAIN_CLASS));
            String classPath = manifest.getValue(Attributes.Name.CLASS_PATH);
            assertNotNull(classPath, "no Class-Path in lib/herald-server.jar");
            // Entries resolve against lib/, where the jar lives: bare names of its neighbours.
            Set<String> named = new TreeSet<>(Arrays.asList(classPath.trim().split(" +")));
            Set<String> present = new TreeSet<>(jarsIn(lib));
            present.remove("herald-server.jar");
            assertEquals(present, named, "the Class-Path must name exactly the jars in lib/");

            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            for (String needed : List.of("dev/herald/standalone/HeraldServer.class",
                    "dev/herald/endpoint/ClassicEndpoint.class", "dev/herald/client/HeraldClient.class",
                    "dev/herald/api/OperationsServlet.class",
                    "herald-web/chat/index.html")) {
                assertTrue(names.contains(needed), needed + " is missing from herald-server.jar");
            }
            List<String> unwanted = names.stream()
                    .filter(name -> name.startsWith("dev/herald/it/") || name.endsWith("Test.class")
                            || name.endsWith("IT.class") || name.startsWith("picocli/")
                            || name.startsWith("dev/herald/client/cli/")
                            || name.startsWith("dev/herald/endpoint/HeraldWebListener")
                            || name.startsWith("dev/herald/endpoint/PageHeadersFilter"))
                    .toList();
            assertEquals(List.of(), unwanted, "herald-server.jar must hold neither tests, nor the CLI, nor the WAR-only listener and filter");
        }
    }

    @Test
    void binHeraldStartsTheServerWithOnlyAJreAndSigtermDrainsIt() throws Exception {
        int port = freePort();
        long starting = System.nanoTime();
        Server server = Server.start(home.resolve("bin/herald"), onlyAJre(), "--port", Integer.toString(port));
        try {
            server.awaitLine("Herald listening on ws://127.0.0.1:" + port + "/", START);
            System.out.printf("DistributionIT: bin/herald listened after %d ms%n", (System.nanoTime() - starting) / 1_000_000);

            // The JVM replaced the script (exec), so SIGTERM will reach it; and it is JAVA_HOME's java.
            String command = ProcessHandle.of(server.pid()).flatMap(handle -> handle.info().command()).orElse("?");
            assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString(), command,
                    "bin/herald must exec $JAVA_HOME/bin/java");

            URI uri = URI.create("ws://127.0.0.1:" + port + "/");
            try (HeraldClient seed = HeraldClient.connect(uri)) {
                // The seed's steps.
                assertEquals("Hey all, a new client has joined us", seed.nextText(FRAME));
                seed.sendText("hello");
                assertEquals("Client(1) said: hello", seed.nextText(FRAME));

                // The page comes out of herald-server.jar.
                HttpResponse<String> page = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chat/")).timeout(FRAME).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("<html"), "the chat page: " + page.body());
                // Operations: readiness from the servlet that Grizzly's servlet support serves standalone.
                HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(FRAME).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ready.statusCode(), ready.body());

                seedSnippet(port).ifPresent(lines -> {
                    assertEquals("Hey all, a new client has joined us", lines.get(0), lines.toString());
                    assertTrue(lines.get(1).matches("Client\\(\\d+\\) said: hello from the seed"), lines.toString());
                });

                // SIGTERM: the drain closes the open connection with 1012, then the JVM exits.
                long stopping = System.nanoTime();
                server.process.destroy();
                CloseStatus closed = seed.closeStatus().get(STOP.toSeconds(), TimeUnit.SECONDS);
                assertEquals(1012, closed.code(), "the drain's close: " + closed);
                int exit = server.awaitExit(STOP);
                assertEquals(EXIT_AFTER_SIGTERM, exit, "exit status after SIGTERM; " + server);
                Duration took = Duration.ofNanos(System.nanoTime() - stopping);
                System.out.printf("DistributionIT: closed with %d, exited after SIGTERM in %d ms%n", closed.code(), took.toMillis());
                assertTrue(took.compareTo(STOP) < 0, "stopping took " + took);
            }
        } finally {
            server.kill();
        }
    }

    /**
     * conf/herald.env applies, but the caller's environment, JAVA_OPTS's system properties and flags win over it.
     * An invalid port makes each layer visible without binding anything: Herald names the value it read and exits 2.
     * The script runs here through a symbolic link in another directory, and finds java on the PATH.
     */
    @Test
    void confHeraldEnvFillsInWhatTheEnvironmentAndTheFlagsLeaveOpen() throws Exception {
        Path copy = untar(work.resolve("layers"));
        Files.writeString(copy.resolve("conf/herald.env"), "\nHERALD_PORT=70000\n", StandardOpenOption.APPEND);
        Path link = Files.createDirectories(work.resolve("usr-local-bin")).resolve("herald");
        Files.createSymbolicLink(link, copy.resolve("bin/herald"));

        Map<String, String> javaOnPath = Map.of(
                "PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        assertRefusedPort("70000", link, javaOnPath);
        Map<String, String> exported = new HashMap<>(javaOnPath);
        exported.put("HERALD_PORT", "70001");
        assertRefusedPort("70001", link, exported);
        exported.put("JAVA_OPTS", "-Xmx128m -Dherald.port=70002");
        assertRefusedPort("70002", link, exported);
        assertRefusedPort("70003", link, exported, "--port", "70003");
    }

    private static void assertRefusedPort(String port, Path script, Map<String, String> environment, String... flags)
            throws Exception {
        Server server = Server.start(script, environment, flags);
        try {
            int exit = server.awaitExit(START);
            assertEquals(2, exit, server.toString());
            assertTrue(server.output().contains("herald: herald.port must be between 0 and 65535, but was " + port),
                    "expected the port " + port + " to win; " + server);
        } finally {
            server.kill();
        }
    }

    /** The environment of a machine with a JRE and nothing else: JAVA_HOME, a minimal PATH, no HERALD_* at all. */
    private static Map<String, String> onlyAJre() {
        return Map.of("JAVA_HOME", System.getProperty("java.home"), "PATH", "/usr/bin:/bin");
    }

    /**
     * The seed's Python snippet (src/test/python/seed_client.py) with its port changed to {@code port}, when
     * {@code -Dherald.python} is a Python with websocket-client; empty (and a note on stdout) otherwise.
     */
    private static Optional<List<String>> seedSnippet(int port) throws Exception {
        String python = System.getProperty("herald.python", "python3");
        List<String> probe;
        try {
            probe = runQuietly(Duration.ofSeconds(20), python, "-c", "import websocket");
        } catch (IOException e) {
            probe = null;
        }
        if (probe == null) {
            System.out.println("DistributionIT: " + python + " has no websocket-client; the Python seed snippet was not run");
            return Optional.empty();
        }
        String snippet = Files.readString(Path.of("src/test/python/seed_client.py"))
                .replace("ws://localhost:9001/", "ws://localhost:" + port + "/");
        Path file = work.resolve("seed_client.py");
        Files.writeString(file, snippet);
        return Optional.of(run(Duration.ofSeconds(30), python, file.toString()));
    }

    /** target/herald-server-&lt;version&gt;.&lt;extension&gt;, the version passed by the POM or, run from an IDE, the one there is. */
    private static Path archive(String extension) throws IOException {
        String version = System.getProperty("herald.version");
        if (version != null) {
            Path archive = TARGET.resolve("herald-server-" + version + "." + extension);
            assertTrue(Files.isRegularFile(archive), archive + " is missing: run `mvn package` (or `mvn verify`) to build it");
            return archive;
        }
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> found = files.filter(file -> file.getFileName().toString().matches("herald-server-.+\\." + Pattern.quote(extension)))
                    .toList();
            assertEquals(1, found.size(), "one target/herald-server-*." + extension + " expected (run `mvn package`): " + found);
            return found.get(0);
        }
    }

    /** Unpacks the tar.gz with the system's tar into {@code into} and returns the distribution's home. */
    private static Path untar(Path into) throws Exception {
        Files.createDirectories(into);
        run(Duration.ofSeconds(60), "tar", "xzf", archive.toAbsolutePath().toString(), "-C", into.toString());
        Path unpacked = into.resolve("herald-server-" + version);
        assertTrue(Files.isDirectory(unpacked), "the archive does not unpack to herald-server-" + version + "/");
        return unpacked;
    }

    private static List<String> jarsIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".jar")).sorted().toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command to its end and returns its output lines; a non-zero exit fails the test. */
    private static List<String> run(Duration timeout, String... command) throws Exception {
        List<String> lines = runQuietly(timeout, command);
        if (lines == null) {
            throw new AssertionError(String.join(" ", command) + " failed");
        }
        return lines;
    }

    /** Runs a command to its end; its output lines, or null when it exits with a non-zero status. */
    private static List<String> runQuietly(Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
        }
        List<String> lines = new String(output, StandardCharsets.UTF_8).lines().toList();
        if (process.exitValue() != 0) {
            System.out.println(String.join(" ", command) + " exited with " + process.exitValue() + ": " + lines);
            return null;
        }
        return lines;
    }

    /** bin/herald as a separate process with exactly the given environment; its stdout and stderr, line by line. */
    private static final class Server {

        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
        private final Thread reader;

        private Server(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                        pending.add(line);
                    }
                } catch (IOException e) {
                    // The process was killed; what was read stays available.
                }
            }, "herald-distribution-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Server start(Path script, Map<String, String> environment, String... flags) throws IOException {
            List<String> command = new ArrayList<>(List.of(script.toString()));
            command.addAll(List.of(flags));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .directory(work.toFile());
            // Nothing of the build's environment: no HERALD_*, no JAVA_OPTS, no Maven; only what the test gives.
            builder.environment().clear();
            builder.environment().putAll(environment);
            Server server = new Server(builder.start());
            server.process.getOutputStream().close();
            return server;
        }

        long pid() {
            return process.pid();
        }

        void awaitLine(String wanted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                String line = pending.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (line != null && line.contains(wanted)) {
                    return;
                }
                if (line == null && !process.isAlive() && pending.isEmpty()) {
                    throw new AssertionError("bin/herald exited with " + process.exitValue() + " before \"" + wanted + "\"; " + this);
                }
            }
            throw new AssertionError("no \"" + wanted + "\" within " + timeout + "; " + this);
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("bin/herald did not exit within " + timeout + "; " + this);
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return process.exitValue();
        }

        String output() {
            return String.join("\n", lines);
        }

        /** SIGKILL to the script and whatever it started, should the script not have exec'd the JVM. */
        void kill() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public String toString() {
            return "pid " + process.pid() + ", output:\n" + output();
        }
    }
}
