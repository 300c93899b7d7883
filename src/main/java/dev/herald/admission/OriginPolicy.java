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
 * Decides which browser origins may open a WebSocket. Allowed: no Origin header (non-browser clients), an
 * origin whose host is this server's own host, an origin on the configured list, and any origin when the
 * list holds {@code *}.
 *
 * <p>Why "own host" means this machine's names: the JSR 356 origin check sees only the Origin header, not
 * the Host header, so Herald compares the origin's host with the names and addresses of the machine it runs
 * on. Behind a proxy with a public name, put that origin on the list.
 */
public final class OriginPolicy {

    private static final Logger LOG = Logger.getLogger(OriginPolicy.class.getName());

    private final boolean allowAll;
    private final Set<String> allowedOrigins;
    private final Set<String> ownHosts;

    OriginPolicy(Collection<String> allowed, Set<String> ownHosts) {
        this.allowAll = allowed.contains("*");
        this.allowedOrigins = new HashSet<>();
        for (String origin : allowed) {
            allowedOrigins.add(origin.toLowerCase(Locale.ROOT));
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

    public boolean allows(String origin) {
        if (origin == null || allowAll) {
            return true;
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains(normalized)) {
            return true;
        }
        try {
            String host = new URI(normalized).getHost();
            if (host == null) {
                return false;
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return ownHosts.contains(host);
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
