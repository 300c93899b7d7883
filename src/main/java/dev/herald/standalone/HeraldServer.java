package dev.herald.standalone;

import dev.herald.config.HeraldSettings;
import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone server's command line: {@code --key value} flags override {@code herald.key} system
 * properties, which override {@code HERALD_KEY} environment variables. Ctrl-C or SIGTERM stops it cleanly.
 */
public final class HeraldServer {

    private HeraldServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        if (Arrays.asList(args).contains("--help")) {
            usage(System.out);
            return;
        }
        HeraldSettings settings;
        try {
            Map<String, String> flags = SettingsLoader.parseFlags(args);
            settings = SettingsLoader.load(flags, SettingsLoader.systemProperties(), System.getenv(), key -> null);
        } catch (IllegalArgumentException e) {
            System.err.println("herald: " + e.getMessage());
            System.exit(2);
            return;
        }
        StandaloneServer server;
        try {
            server = StandaloneServer.start(settings);
        } catch (IOException e) {
            System.err.println("herald: " + e.getMessage());
            System.exit(1);
            return;
        }
        // The server API's shutdown goes through the same drain as a SIGTERM: the hook below.
        server.control().onShutdown(() -> System.exit(0));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "herald-shutdown"));
        stopped.await();
    }

    private static void usage(PrintStream out) {
        out.println("Usage: herald [--key value]...   (or -Dherald.key=value, or HERALD_KEY=value)");
        out.println();
        for (Setting setting : Setting.values()) {
            out.printf("  %-32s %s (default: %s)%n", setting.flag(), setting.description(),
                    setting.defaultValue().isEmpty() ? "none" : setting.defaultValue());
        }
    }
}
