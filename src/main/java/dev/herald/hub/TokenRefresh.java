package dev.herald.hub;

import dev.herald.admission.Admission;
import dev.herald.auth.Identity;
import dev.herald.auth.Verdict;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Inbound;
import dev.herald.protocol.Outbound;

/**
 * Serves a room client's {@code refresh} (an extension of the protocol): the new token is verified as at the
 * handshake, must name the same subject, still allow the client's room and not have expired; then it replaces the
 * client's token, so that the session ends at the new {@code exp}. {@link Hub#closeExpired} ends the sessions
 * whose token has expired.
 */
final class TokenRefresh {

    static final String AUTH_OFF = "authentication is off: there is no token to refresh";
    static final String REFUSED = "the token was not accepted; the session still ends at the current token's exp";

    private final Admission admission;

    TokenRefresh(Admission admission) {
        this.admission = admission;
    }

    /** Verifies the refresh and, if it is accepted, moves the client's deadline; returns the reply to send. */
    Outbound refresh(Client client, Inbound.Refresh refresh) {
        Identity current = client.identity();
        Verdict verdict = current == null ? null
                : admission.reauthenticate(refresh.token(), current, client.room().name());
        if (verdict == null) {
            return new Outbound.Error(ErrorCode.BAD_MESSAGE, AUTH_OFF, null);
        }
        if (!verdict.accepted()) {
            return new Outbound.Error(ErrorCode.UNAUTHORIZED, REFUSED, null);
        }
        client.reauthenticated(verdict.identity());
        return new Outbound.Refreshed(verdict.identity().expiresAt() == null ? null
                : verdict.identity().expiresAt().getEpochSecond());
    }
}
