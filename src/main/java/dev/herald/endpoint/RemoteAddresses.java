package dev.herald.endpoint;

import jakarta.websocket.Session;
import java.net.InetSocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds a session's remote IP address. JSR 356 has no API for it, so this asks the runtime's own session
 * class by reflection (Tyrus: {@code getRemoteAddr()}; Undertow: {@code getWebSocketChannel().getSourceAddress()}).
 * Reflection keeps the endpoint free of compile-time container dependencies.
 */
final class RemoteAddresses {

    private static final Logger LOG = Logger.getLogger(RemoteAddresses.class.getName());

    private RemoteAddresses() {
    }

    /** The peer's IP address, or {@code null} when the runtime does not tell. */
    static String of(Session session) {
        try {
            Object tyrus = invoke(session, "getRemoteAddr");
            if (tyrus instanceof String address) {
                return address;
            }
            Object channel = invoke(session, "getWebSocketChannel");
            if (channel != null && invoke(channel, "getSourceAddress") instanceof InetSocketAddress address) {
                return address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot read the remote address of " + session.getClass().getName(), e);
        }
        return null;
    }

    private static Object invoke(Object target, String method) throws ReflectiveOperationException {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
