package dev.herald.auth;

import java.util.List;
import java.util.Map;

/**
 * Reads the token a client offers as the subprotocol {@code herald.bearer.<JWT>} next to {@code herald.v1}.
 * Browsers cannot set headers on a WebSocket, but they can offer subprotocols, and unlike a query parameter a
 * subprotocol does not end up in access logs. The server never selects (so never echoes) the bearer entry.
 */
public final class BearerSubprotocol {

    /** The subprotocol Herald selects. */
    public static final String PROTOCOL = "herald.v1";
    static final String PREFIX = "herald.bearer.";
    private static final String HEADER = "Sec-WebSocket-Protocol";

    private BearerSubprotocol() {
    }

    /** The token from the handshake's headers, or {@code null} when none is offered. */
    public static String token(Map<String, List<String>> headers) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (!HEADER.equalsIgnoreCase(header.getKey()) || header.getValue() == null) {
                continue;
            }
            for (String line : header.getValue()) {
                for (String offered : line.split(",")) {
                    String protocol = offered.trim();
                    if (protocol.startsWith(PREFIX) && protocol.length() > PREFIX.length()) {
                        return protocol.substring(PREFIX.length());
                    }
                }
            }
        }
        return null;
    }
}
