package dev.herald.endpoint;

import dev.herald.auth.Verdict;
import dev.herald.config.HeraldSettings;
import dev.herald.hub.Client;
import dev.herald.hub.Hub;
import dev.herald.protocol.Closure;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What both endpoints do the same way: size limits on open, and error handling. */
final class SessionSetup {

    private static final Logger LOG = Logger.getLogger(SessionSetup.class.getName());

    private SessionSetup() {
    }

    /** The runtime's own message buffer beyond Herald's limit, so that Herald's check is the one that answers. */
    private static final int RUNTIME_HEADROOM = 4 * 1024 * 1024;

    /**
     * Sizes the runtime's message buffers. Herald checks the limit itself (1009 {@code message too big}, room
     * told {@code policy}); the runtimes disagree on what theirs covers (Tyrus only fragmented messages, Undertow
     * all) and close with their own reason text, so theirs is set above Herald's.
     */
    static void applyLimits(Session session, HeraldSettings settings) {
        session.setMaxTextMessageBufferSize(settings.maxMessageBytes() + RUNTIME_HEADROOM);
        session.setMaxBinaryMessageBufferSize(settings.maxMessageBytes() + RUNTIME_HEADROOM);
        // The hub's heartbeat owns idle detection; the runtime's own timeout would close with another code.
        // Negative, not 0: both mean "never", but Tyrus 2.1 treats 0 as a timeout to re-arm on every frame
        // sent, which cost a scheduler round trip per delivery (bench/README.md, "What changed the numbers").
        session.setMaxIdleTimeout(-1);
    }

    /** What the configurator's authentication said of this session's handshake, or {@code null}. */
    static Verdict verdict(Session session) {
        return (Verdict) session.getUserProperties().get(Verdict.USER_PROPERTY);
    }

    /**
     * Handles an error the runtime reported. I/O failures, and errors on a session the runtime has already
     * closed (a protocol error, a message over its buffer), are the peer's doing and are logged quietly;
     * anything else is a bug: it is logged with its stack trace and the session is closed with 1011.
     */
    static void onError(Hub hub, Client client, Session session, Throwable error) {
        if (isTransportFailure(error) || !session.isOpen()) {
            LOG.log(Level.FINE, "session " + session.getId() + " lost its connection", error);
            if (client != null) {
                hub.failed(client, error);
            }
            return;
        }
        LOG.log(Level.SEVERE, "unexpected error in session " + session.getId(), error);
        if (client != null) {
            hub.close(client, Closure.INTERNAL_ERROR);
        } else {
            new SessionConnection(session).close(Closure.INTERNAL_ERROR);
        }
    }

    private static boolean isTransportFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
