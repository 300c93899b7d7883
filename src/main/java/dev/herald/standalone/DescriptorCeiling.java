package dev.herald.standalone;

import dev.herald.config.HeraldSettings;
import dev.herald.config.Setting;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * What the process's open-files limit leaves for connections. Every connection is a file descriptor; when they run
 * out, {@code accept} fails in a loop (a core spent on nothing) and anything that opens a file fails with it: a class
 * loaded from a directory, a log file, a socket to Redis. So the standalone server keeps its connections safely below
 * the limit instead: {@code max-connections} is capped to what the limit leaves, and connections beyond a slightly
 * higher TCP ceiling (for handshakes in progress) are closed as soon as they are accepted ({@link OpenConnections}).
 *
 * <p>The limit is read once, at start-up, with the descriptors already open then (the JVM's jars, the selectors).
 * Where the platform does not report it (not a Unix), nothing is capped.
 */
final class DescriptorCeiling {

    private static final Logger LOG = Logger.getLogger(DescriptorCeiling.class.getName());
    /** Descriptors kept for everything but connections: Redis, log files, the API's clients, at least this many. */
    static final int MIN_RESERVE = 64;

    private final long limit;
    private final long openAtStart;

    DescriptorCeiling(long limit, long openAtStart) {
        this.limit = limit;
        this.openAtStart = openAtStart;
    }

    /** The running process's limit, or empty where the platform does not report it. */
    static java.util.Optional<DescriptorCeiling> ofThisProcess() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            return java.util.Optional.of(new DescriptorCeiling(unix.getMaxFileDescriptorCount(),
                    unix.getOpenFileDescriptorCount()));
        }
        return java.util.Optional.empty();
    }

    /** Descriptors kept aside: a tenth of what is left at start-up, at least {@value #MIN_RESERVE}. */
    long reserve() {
        return Math.max(MIN_RESERVE, (limit - openAtStart) / 10);
    }

    /**
     * The most WebSocket connections the limit leaves room for (half the reserve stays for handshakes in
     * progress, the other half for everything else); at least 1, so that a server with a very low limit still
     * starts and says why it serves so few.
     */
    long connections() {
        return Math.max(1, limit - openAtStart - reserve());
    }

    /** The most TCP connections open at once, handshakes in progress included: see {@link OpenConnections}. */
    long tcpConnections() {
        return connections() + reserve() / 2;
    }

    /** {@code settings}, with {@code max-connections} capped to {@link #connections()} and a warning if it was. */
    HeraldSettings fit(HeraldSettings settings) {
        OptionalLong capped = cap(settings.maxConnections());
        if (capped.isEmpty()) {
            return settings;
        }
        LOG.warning(() -> Setting.MAX_CONNECTIONS.key() + " is " + settings.maxConnections() + ", but this"
                + " process may open only " + limit + " files (" + openAtStart + " already open, " + reserve()
                + " kept for Redis, logs and handshakes): serving at most " + capped.getAsLong() + " connections."
                + " Raise the open-files limit (ulimit -n, LimitNOFILE) to serve more.");
        return settings.withMaxConnections((int) capped.getAsLong());
    }

    /** The cap for a configured {@code maxConnections}, or empty when the limit leaves room for all of them. */
    OptionalLong cap(int maxConnections) {
        return maxConnections > connections() ? OptionalLong.of(connections()) : OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "open-files limit " + limit + " (" + openAtStart + " open at start-up)";
    }
}
