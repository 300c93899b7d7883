package dev.herald.client;

import java.io.IOException;

/** The server answered the WebSocket handshake with an HTTP error, for example 403 for a refused origin. */
public class HandshakeRefusedException extends IOException {

    private final int status;

    public HandshakeRefusedException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or -1 when the runtime did not report one. */
    public int status() {
        return status;
    }
}
