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

    /** Applies the inbound size limit: the runtime closes a larger message with 1009. */
    static void applyLimits(Session session, HeraldSettings settings) {
        session.setMaxTextMessageBufferSize(settings.maxMessageBytes());
        session.setMaxBinaryMessageBufferSize(settings.maxMessageBytes());
        // The hub's heartbeat owns idle detection; the runtime's own timeout would close with another code.
        session.setMaxIdleTimeout(0);
    }

    /** What the configurator's authentication said of this session's handshake, or {@code null}. */
    static Verdict verdict(Session session) {
        return (Verdict) session.getUserProperties().get(Verdict.USER_PROPERTY);
    }

    /**
     * Handles an error the runtime reported. I/O failures mean the peer went away and are logged quietly;
     * anything else is a bug: it is logged with its stack trace and the session is closed with 1011.
     */
    static void onError(Hub hub, Client client, Session session, Throwable error) {
        if (isTransportFailure(error)) {
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
