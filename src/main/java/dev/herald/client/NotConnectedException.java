package dev.herald.client;

import java.io.IOException;

/** A send while a {@link ReconnectingClient} is between connections: the frame was not sent, nor kept. */
public class NotConnectedException extends IOException {

    public NotConnectedException(String message) {
        super(message);
    }
}
