package dev.herald.client.cli;

import dev.herald.client.ClientOptions;
import dev.herald.client.HandshakeRefusedException;
import dev.herald.client.Connection;
import dev.herald.client.HeraldClient;
import dev.herald.client.ReconnectingClient;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herald-cli}: talk to a Herald server from a terminal or a script. Without {@code --send} or
 * {@code --expect} it is interactive; with them it runs a script and says with its exit code how it went.
 */
@Command(name = "herald-cli", mixinStandardHelpOptions = true, versionProvider = HeraldCli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        exitCodeOnInvalidInput = Exit.USAGE, exitCodeOnExecutionException = Exit.FAILED,
        description = {
            "Talk to a Herald WebSocket server: the classic endpoint at URL, or a room with --room.",
            "",
            "Interactive unless --send or --expect is given: lines from stdin are sent, received frames are "
                    + "printed, and close codes are shown in words. Frames go to stdout; status and errors go to stderr.",
            "An interactive session reconnects by itself when the connection drops or the server restarts, and in a "
                    + "room resumes where it left off; a script does not (its exit code reports the close).",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success: every send acknowledged and every --expect seen, or you left",
            "1:no connection: unreachable, TLS failure, or handshake refused (HTTP status shown)",
            "2:bad options",
            "3:timeout: an --expect line or an acknowledgement did not arrive within --timeout",
            "4:closed: the server closed the connection (close code shown in words)",
            "5:refused: the server answered a --send with an error frame (e.g. rate_limited)"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  herald-cli ws://127.0.0.1:9001/",
            "  herald-cli --room lobby --name ann ws://127.0.0.1:9001/",
            "  herald-cli -r lobby -n bot -s 'hi {n}' -c 3 -e 'bot: hi 3' ws://127.0.0.1:9001/",
            "  HERALD_TRUSTSTORE_PASSWORD=... herald-cli --truststore ts.p12 wss://127.0.0.1:9001/",
            "  herald-cli --token-file alice.jwt --room lobby ws://127.0.0.1:9001/",
            "",
            "Interactive commands: /who, /ping, /raw JSON (rooms only), /quit, /help. //text sends \"/text\"."})
public final class HeraldCli implements Callable<Integer> {

    /** The environment variable holding the truststore password; a flag would show it in {@code ps}. */
    static final String PASSWORD_VARIABLE = "HERALD_TRUSTSTORE_PASSWORD";
    /** The environment variable holding a JWT for servers with {@code auth=jwt}; a flag would show it in {@code ps}. */
    static final String TOKEN_VARIABLE = "HERALD_TOKEN";
    private static final String PROTOCOL = "herald.v1";
    private static final String BEARER_PREFIX = "herald.bearer.";
    private static final Logger LOG = Logger.getLogger(HeraldCli.class.getName());
    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final Logger LIBRARIES = Logger.getLogger("org.glassfish");
    private static final Pattern ROOM_PATH = Pattern.compile(".*/rooms/([^/]+)$");
    /** The protocol's room names. Checked here because Tyrus's client writes the request path decoded, so a
     * room name with a space or '?' would not reach the server as one path segment. */
    private static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL",
            description = "ws:// or wss:// URL of the server's root (standalone: ws://127.0.0.1:9001/; "
                    + "in a container the WAR's root, e.g. ws://host:8080/herald/), or of a room")
    private URI url;

    @Option(names = {"-r", "--room"}, paramLabel = "ROOM", description = "join this room (JSON protocol, pretty output)")
    private String room;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "your display name in the room")
    private String name;

    @Option(names = "--origin", paramLabel = "ORIGIN", description = "send this Origin header, as a browser would")
    private String origin;

    @Option(names = "--subprotocol", paramLabel = "PROTOCOL", description = "offer this subprotocol (repeatable)")
    private List<String> subprotocols = List.of();

    @Option(names = "--truststore", paramLabel = "FILE",
            description = "PKCS12 (or .jks) truststore for wss; password from $" + PASSWORD_VARIABLE
                    + " or --truststore-password-file")
    private Path truststore;

    @Option(names = "--truststore-password-file", paramLabel = "FILE", description = "file holding the truststore password")
    private Path truststorePasswordFile;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "file holding a JWT, for servers with auth=jwt (otherwise $" + TOKEN_VARIABLE
                    + "); offered as the herald.bearer subprotocol, never put in the URL")
    private Path tokenFile;

    @Option(names = "--json", description = "print room frames raw, as the server sent them")
    private boolean json;

    @Option(names = {"-s", "--send"}, paramLabel = "TEXT",
            description = "send TEXT, then exit (repeatable, in order); {n} becomes the round number")
    private List<String> sends = List.of();

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "1",
            description = "send the --send texts N times (default: ${DEFAULT-VALUE})")
    private int count;

    @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "0",
            description = "pause between sends; the server allows 20 frames/s, bursts of 40 (default: ${DEFAULT-VALUE})")
    private long intervalMillis;

    @Option(names = {"-e", "--expect"}, paramLabel = "REGEX",
            description = "wait for a printed line matching REGEX (repeatable: matched in order, one line each)")
    private List<Pattern> expect = List.of();

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "limit for connecting, and for a script's acknowledgements and --expect lines (default: ${DEFAULT-VALUE})")
    private double timeoutSeconds;

    @Option(names = "--no-reconnect",
            description = "interactive: end when the connection ends, instead of reconnecting (scripts never reconnect)")
    private boolean noReconnect;

    @Option(names = {"-v", "--verbose"},
            description = "log the client libraries' details to stderr (for debugging: handshake logs may show a token)")
    private boolean verbose;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    HeraldCli(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public static void main(String[] args) {
        // UTF-8 whatever the locale, so names and messages in any script survive the terminal round trip.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        CommandLine command = new CommandLine(new HeraldCli(out, err, System.in));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        // Tyrus's shared client transport keeps non-daemon threads; the session is over, so end the JVM.
        System.exit(code);
    }

    @Override
    public Integer call() throws InterruptedException {
        configureLogging();
        URI target = target();
        ClientOptions options = options();
        String roomName = roomOf(target);
        boolean scripted = !sends.isEmpty() || !expect.isEmpty();
        Connection client;
        try {
            // A script's exit code reports a close (4), so it never reconnects; an interactive session does.
            client = scripted || noReconnect ? HeraldClient.connect(target, options)
                    : ReconnectingClient.connect(target, options, new ReconnectNotices(err, roomName != null));
        } catch (HandshakeRefusedException e) {
            LOG.log(Level.FINE, "handshake refused", e);
            err.println("herald: " + target + " refused the connection with HTTP " + e.status() + hint(e.status()));
            return Exit.FAILED;
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot connect", e);
            err.println("herald: " + rootMessage(e));
            return Exit.FAILED;
        }
        String subprotocol = client.subprotocol();
        err.println("herald: connected to " + target
                + (subprotocol == null || subprotocol.isEmpty() ? "" : " (subprotocol " + subprotocol + ")")
                + (scripted ? "" : "; type a message and press Enter, /help for commands, Ctrl-D to leave"));
        Receiver receiver = new Receiver(client, new FramePrinter(roomName, json), out);
        if (scripted) {
            return new Script(client, receiver, roomName != null, err)
                    .run(sends, count, Duration.ofMillis(intervalMillis), expect, timeout());
        }
        Interactive session = new Interactive(client, receiver, roomName != null,
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), err);
        // Ctrl-C: say goodbye with a normal close instead of dropping the connection.
        Runtime.getRuntime().addShutdownHook(new Thread(session::leave, "herald-cli-leave"));
        return session.run();
    }

    /** The endpoint to connect to: the URL itself, or with --room the room under the URL's root. */
    private URI target() {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!scheme.equals("ws") && !scheme.equals("wss") || url.getRawAuthority() == null) {
            throw usage("URL must start with ws:// or wss://, for example ws://127.0.0.1:9001/");
        }
        if (count < 1) {
            throw usage("--count must be 1 or more");
        }
        if (count > 1 && sends.isEmpty()) {
            throw usage("--count repeats --send; give at least one --send");
        }
        if (timeoutSeconds <= 0 || intervalMillis < 0) {
            throw usage("--timeout must be above 0 and --interval 0 or more");
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (room == null) {
            if (name != null && !ROOM_PATH.matcher(path).matches()) {
                throw usage("--name needs --room: the classic endpoint has no names");
            }
            return URI.create(scheme + "://" + url.getRawAuthority() + path
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
        }
        if (!ROOM_NAME.matcher(room).matches()) {
            throw usage("invalid room: a room name is 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        String root = path.endsWith("/") ? path : path + "/";
        return URI.create(scheme + "://" + url.getRawAuthority() + root + "rooms/" + encode(room)
                + (name == null ? "" : "?name=" + encode(name)));
    }

    /** The room's name when {@code target} is a room endpoint, {@code null} for the classic endpoint. */
    private String roomOf(URI target) {
        if (room != null) {
            return room;
        }
        Matcher matcher = ROOM_PATH.matcher(target.getRawPath());
        return matcher.matches() ? URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8) : null;
    }

    private ClientOptions options() {
        ClientOptions options = ClientOptions.defaults()
                .withSubprotocols(offeredSubprotocols().toArray(String[]::new))
                .withOrigin(origin)
                .withConnectTimeout(timeout());
        return truststore == null ? options : options.withTruststore(truststore, truststorePassword());
    }

    /** The --subprotocol values and, with a token, herald.v1 and the token's herald.bearer subprotocol. */
    private List<String> offeredSubprotocols() {
        String token = token();
        if (token == null) {
            return subprotocols;
        }
        List<String> offered = new ArrayList<>(subprotocols);
        if (!offered.contains(PROTOCOL)) {
            offered.add(0, PROTOCOL);
        }
        offered.add(BEARER_PREFIX + token);
        return offered;
    }

    private String token() {
        String token;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw usage("cannot read --token-file " + tokenFile + ": " + e.getMessage());
            }
        } else {
            token = System.getenv(TOKEN_VARIABLE);
        }
        if (token == null || token.isBlank()) {
            return null;
        }
        // A JWT is base64url parts joined by dots; anything else cannot travel in a subprotocol header.
        if (!token.strip().matches("[A-Za-z0-9_.-]+")) {
            throw usage("the token is not a JWT (base64url parts separated by dots)");
        }
        return token.strip();
    }

    private char[] truststorePassword() {
        if (truststorePasswordFile != null) {
            try {
                return Files.readString(truststorePasswordFile).strip().toCharArray();
            } catch (IOException e) {
                throw usage("cannot read --truststore-password-file " + truststorePasswordFile + ": " + e.getMessage());
            }
        }
        String fromEnvironment = System.getenv(PASSWORD_VARIABLE);
        // No password is fine for a JKS truststore; a PKCS12 one then fails to load, and the error says so.
        return fromEnvironment == null ? null : fromEnvironment.toCharArray();
    }

    private Duration timeout() {
        return Duration.ofMillis(Math.max(1, Math.round(timeoutSeconds * 1000)));
    }

    private void configureLogging() {
        Level level = verbose ? Level.FINE : Level.OFF;
        LIBRARIES.setLevel(level);
        LOG.setLevel(level);
        if (verbose) {
            for (var handler : Logger.getLogger("").getHandlers()) {
                handler.setLevel(Level.FINE);
            }
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static String hint(int status) {
        return switch (status) {
            case 403 -> " (Forbidden: this Origin is not allowed; see allowed-origins)";
            case 404 -> " (Not Found: no WebSocket endpoint at this path)";
            default -> "";
        };
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        for (int depth = 0; root.getCause() != null && depth < 20; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == error ? message : error.getMessage() + " (" + message + ")";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The version from the jar's manifest; a build from target/classes has none. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = HeraldCli.class.getPackage().getImplementationVersion();
            return new String[] {"herald-cli " + (version == null ? "(development build)" : version)};
        }
    }
}
