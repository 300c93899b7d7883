package dev.herald.broker;

/** The broker cannot serve the request now (its store is unreachable); the caller answers {@code unavailable}. */
public final class BrokerUnavailableException extends RuntimeException {

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
