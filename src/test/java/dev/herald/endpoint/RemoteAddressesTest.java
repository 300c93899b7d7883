package dev.herald.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletRequest;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fallbacks of the one seam that reads a peer's address from a runtime's own classes: a runtime that offers none
 * of the ways it knows gives no address (and no exception), and a handshake request without a servlet request leaves
 * the user properties alone. The ways themselves run against the real runtimes in the container suites
 * ({@code ApiSuite} lists each client's address).
 */
class RemoteAddressesTest {

    @Test
    void aSessionOfAnUnknownRuntimeHasNoAddress() {
        assertNull(RemoteAddresses.of(sessionWith(new HashMap<>())));
    }

    @Test
    void anAddressNotedAtTheHandshakeIsTheSessionsAddress() {
        Map<String, Object> properties = new HashMap<>();
        RemoteAddresses.atHandshake(new RequestKeepingServletRequest(servletRequestFrom("192.0.2.7")), properties);
        assertEquals("192.0.2.7", properties.get(RemoteAddresses.USER_PROPERTY));
        assertEquals("192.0.2.7", RemoteAddresses.of(sessionWith(properties)));
    }

    @Test
    void aHandshakeRequestWithoutAServletRequestNotesNothing() {
        Map<String, Object> properties = new HashMap<>();
        RemoteAddresses.atHandshake(new PlainRequest(), properties);
        assertTrue(properties.isEmpty(), properties.toString());
    }

    /** A session of no known runtime: only its user properties answer; anything else would throw. */
    private static Session sessionWith(Map<String, Object> userProperties) {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserProperties" -> userProperties;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ServletRequest servletRequestFrom(String address) {
        return (ServletRequest) Proxy.newProxyInstance(ServletRequest.class.getClassLoader(),
                new Class<?>[] {ServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr" -> address;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A handshake request that keeps its servlet request in a private field, as Open Liberty's does. */
    private static final class RequestKeepingServletRequest extends PlainRequest {

        @SuppressWarnings("unused") // read by reflection, which is what the test is about
        private final ServletRequest servletRequest;

        RequestKeepingServletRequest(ServletRequest servletRequest) {
            this.servletRequest = servletRequest;
        }
    }

    private static class PlainRequest implements HandshakeRequest {

        @Override
        public Map<String, List<String>> getHeaders() {
            return Map.of();
        }

        @Override
        public Principal getUserPrincipal() {
            return null;
        }

        @Override
        public URI getRequestURI() {
            return URI.create("/rooms/a");
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public Object getHttpSession() {
            return null;
        }

        @Override
        public Map<String, List<String>> getParameterMap() {
            return Map.of();
        }

        @Override
        public String getQueryString() {
            return null;
        }
    }
}
