package dev.herald.endpoint;

import jakarta.servlet.ServletRequest;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds a session's remote IP address. JSR 356 has no API for it, so this asks the runtime's own session
 * class by reflection (Tyrus: {@code getRemoteAddr()}; Undertow: {@code getWebSocketChannel().getSourceAddress()}).
 * Open Liberty's session has neither, but its handshake request keeps the servlet request in a field: the
 * configurator reads the address from there during the handshake ({@link #atHandshake}) and leaves it in the
 * connection's user properties. Reflection keeps the endpoint free of compile-time container dependencies.
 */
final class RemoteAddresses {

    private static final Logger LOG = Logger.getLogger(RemoteAddresses.class.getName());
    /** The user property that holds the address read at the handshake. */
    static final String USER_PROPERTY = "dev.herald.remote-address";

    /**
     * The field of a handshake request class that holds the servlet request, if it has one: looked up once per class,
     * not once per handshake. Runtimes whose session tells the address (Tyrus, Undertow) have none, and pay nothing.
     */
    private static final ClassValue<Optional<Field>> SERVLET_REQUEST_FIELD = new ClassValue<>() {
        @Override
        protected Optional<Field> computeValue(Class<?> requestClass) {
            for (Class<?> type = requestClass; type != null && type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (ServletRequest.class.isAssignableFrom(field.getType()) && field.trySetAccessible()) {
                        return Optional.of(field);
                    }
                }
            }
            return Optional.empty();
        }
    };

    private static final ClassValue<Optional<Method>> GET_REMOTE_ADDR = method("getRemoteAddr");
    private static final ClassValue<Optional<Method>> GET_WEB_SOCKET_CHANNEL = method("getWebSocketChannel");
    private static final ClassValue<Optional<Method>> GET_SOURCE_ADDRESS = method("getSourceAddress");

    private RemoteAddresses() {
    }

    /** The peer's IP address, or {@code null} when the runtime does not tell. */
    static String of(Session session) {
        try {
            Object tyrus = invoke(session, GET_REMOTE_ADDR);
            if (tyrus instanceof String address) {
                return address;
            }
            Object channel = invoke(session, GET_WEB_SOCKET_CHANNEL);
            if (channel != null && invoke(channel, GET_SOURCE_ADDRESS) instanceof InetSocketAddress address) {
                return address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
            }
            if (session.getUserProperties().get(USER_PROPERTY) instanceof String address) {
                return address;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot read the remote address of " + session.getClass().getName(), e);
        }
        return null;
    }

    /**
     * During the handshake: if {@code request} keeps the servlet request in one of its fields (Liberty's
     * HandshakeRequestExt does), puts that request's remote address into {@code userProperties}, which the
     * runtime copies per connection and hands to the session.
     */
    static void atHandshake(HandshakeRequest request, Map<String, Object> userProperties) {
        try {
            Optional<Field> field = SERVLET_REQUEST_FIELD.get(request.getClass());
            if (field.isPresent() && field.get().get(request) instanceof ServletRequest servlet
                    && servlet.getRemoteAddr() != null) {
                userProperties.put(USER_PROPERTY, servlet.getRemoteAddr());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot read the remote address of " + request.getClass().getName(), e);
        }
    }

    private static Object invoke(Object target, ClassValue<Optional<Method>> method) throws ReflectiveOperationException {
        Optional<Method> found = method.get(target.getClass());
        return found.isPresent() ? found.get().invoke(target) : null;
    }

    /** The public no-argument method {@code name} of a class, looked up once per class (every handshake asks). */
    private static ClassValue<Optional<Method>> method(String name) {
        return new ClassValue<>() {
            @Override
            protected Optional<Method> computeValue(Class<?> type) {
                try {
                    return Optional.of(type.getMethod(name));
                } catch (NoSuchMethodException absent) {
                    return Optional.empty(); // not this runtime's class: the next way is tried
                }
            }
        };
    }
}
