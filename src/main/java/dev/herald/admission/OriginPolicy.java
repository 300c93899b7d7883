package dev.herald.admission;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides which browser origins may open a WebSocket, comparing whole origins: scheme, host and port. Allowed: no
 * Origin header (non-browser clients); the origins this server itself serves (standalone: its scheme and port on
 * each of this machine's names and addresses, once {@link #serving} says which); the origins on the configured list;
 * any origin when the list holds {@code *}; and, when the list holds {@value #SAME_HOST}, any origin whose host is
 * one of this machine's, whatever its scheme and port (the rule before issue 13).
 *
 * <p>In a container Herald does not know the port it is served on (the JSR 356 origin check sees only the Origin
 * header), so it serves no origin of its own: the list must name the page's origin.
 */
public final class OriginPolicy {

    private static final Logger LOG = Logger.getLogger(OriginPolicy.class.getName());
    /** The list entry that keeps the old rule: any scheme and port on this machine's host names and addresses. */
    public static final String SAME_HOST = "same-host";

    private final boolean allowAll;
    private final boolean sameHost;
    private final Set<String> allowedOrigins;
    private final Set<String> ownHosts;
    private volatile Set<String> ownOrigins = Set.of();

    OriginPolicy(Collection<String> allowed, Set<String> ownHosts) {
        this.allowAll = allowed.contains("*");
        this.sameHost = allowed.stream().anyMatch(SAME_HOST::equalsIgnoreCase);
        this.allowedOrigins = new HashSet<>();
        for (String origin : allowed) {
            String normalized = normalize(origin);
            if (normalized != null) {
                allowedOrigins.add(normalized);
            }
        }
        this.ownHosts = Set.copyOf(ownHosts);
    }

    /** A policy with this machine's host names and addresses as its own hosts. */
    static OriginPolicy forThisMachine(Collection<String> allowed, String bindHost) {
        Set<String> hosts = new HashSet<>(Set.of("localhost", "127.0.0.1", "::1"));
        if (bindHost != null && !bindHost.isBlank()) {
            hosts.add(bindHost.toLowerCase(Locale.ROOT));
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            hosts.add(local.getHostName().toLowerCase(Locale.ROOT));
            hosts.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            LOG.log(Level.FINE, "no local host name; origins are matched by address only", e);
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    String text = address.getHostAddress();
                    int zone = text.indexOf('%');
                    hosts.add((zone < 0 ? text : text.substring(0, zone)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (SocketException e) {
            LOG.log(Level.FINE, "cannot list network interfaces; origins are matched by name only", e);
        }
        return new OriginPolicy(allowed, hosts);
    }

    /**
     * The server now serves pages at {@code scheme} ({@code http} or {@code https}) and {@code port} on this machine:
     * those origins, on each of its host names and addresses, are its own. Standalone calls it once it has bound.
     */
    public void serving(String scheme, int port) {
        Set<String> origins = new HashSet<>();
        for (String host : ownHosts) {
            String normalized = normalize(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
            if (normalized != null) {
                origins.add(normalized);
            }
        }
        ownOrigins = Set.copyOf(origins);
    }

    public boolean allows(String origin) {
        if (origin == null || allowAll) {
            return true;
        }
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        if (allowedOrigins.contains(normalized) || ownOrigins.contains(normalized)) {
            return true;
        }
        return sameHost && ownHosts.contains(host(normalized));
    }

    /**
     * {@code scheme://host[:port]} in lower case, with the scheme's default port left out (as browsers send it), or
     * {@code null} when it is not an origin.
     */
    static String normalize(String origin) {
        try {
            URI uri = new URI(origin.trim().toLowerCase(Locale.ROOT));
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
            return scheme + "://" + host + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null; // not an origin: never allowed
        }
    }

    private static String host(String normalized) {
        String host = URI.create(normalized).getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
