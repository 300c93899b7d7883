package dev.herald.endpoint;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;

/** Sessions for the write-path seams' tests: nothing but an asynchronous remote endpoint. */
final class TestSessions {

    private TestSessions() {
    }

    /** A session whose {@code getAsyncRemote()} is {@code remote}; any other call but {@code toString} throws. */
    static Session withAsyncRemote(RemoteEndpoint.Async remote) {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "toString" -> "test session";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
