package dev.herald.client;

/** How a connection ended: the close code and reason the server (or the client itself) closed it with. */
public record CloseStatus(int code, String reason) {

    /** Code 1006: the connection dropped without a close frame. */
    public static final int ABNORMAL = 1006;
}
