package dev.herald.client.cli;

/** The CLI's exit codes, so that scripts can tell success, a timeout and a close apart. */
final class Exit {

    /** The script finished (every send acknowledged, every pattern seen), or the user left. */
    static final int OK = 0;
    /** No connection: the server was unreachable, TLS failed, or the handshake was refused (HTTP status shown). */
    static final int FAILED = 1;
    /** Bad options (picocli's code for invalid input). */
    static final int USAGE = 2;
    /** An {@code --expect} pattern or an acknowledgement did not arrive within {@code --timeout}. */
    static final int TIMEOUT = 3;
    /** The server closed the connection (the close code is shown in words) before the script finished. */
    static final int CLOSED = 4;
    /** The server answered a {@code --send} with an {@code error} frame, for example {@code rate_limited}. */
    static final int REJECTED = 5;

    private Exit() {
    }
}
