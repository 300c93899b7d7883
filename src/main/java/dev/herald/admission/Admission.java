package dev.herald.admission;

import dev.herald.auth.BearerSubprotocol;
import dev.herald.auth.Identity;
import dev.herald.auth.TokenVerifier;
import dev.herald.auth.Verdict;
import dev.herald.config.HeraldSettings;
import dev.herald.protocol.Closure;
import dev.herald.protocol.Names;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Who may connect, how fast, and how many: the drain and admission switches, the per-address connect rate, tokens, room and display names, and the connection caps,
 * checked in that order. An admitted connection holds a slot until {@link #release} gives it back. A room client
 * may present a new token during its session ({@link #reauthenticate}).
 */
public final class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class.getName());

    private final OriginPolicy origins;
    private final ConnectionLimits limits;
    private final ConnectRate connectRate;
    /** {@code null} when authentication is off. */
    private final TokenVerifier verifier;
    /** {@code exp} is checked against it with no clock skew: a session ends at its token's exp. */
    private final Clock clock = Clock.systemUTC();
    private volatile boolean draining;
    /** The operator's switch (the seed's {@code deny_new_connections} / {@code allow_new_connections}). */
    private volatile boolean open = true;

    private Admission(OriginPolicy origins, ConnectionLimits limits, ConnectRate connectRate, TokenVerifier verifier) {
        this.origins = origins;
        this.limits = limits;
        this.connectRate = connectRate;
        this.verifier = verifier;
    }

    /** @throws IllegalArgumentException when authentication is on and its keys are missing or unusable */
    public static Admission from(HeraldSettings settings) {
        TokenVerifier verifier = null;
        if (settings.auth().enabled()) {
            try {
                verifier = TokenVerifier.create(settings.auth());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the JWT key: " + e.getMessage(), e);
            }
        }
        return new Admission(OriginPolicy.forThisMachine(settings.allowedOrigins(), settings.host()),
                new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress()),
                new ConnectRate(settings.connectRatePerAddress(), 2 * settings.connectRatePerAddress()), verifier);
    }

    public OriginPolicy origins() {
        return origins;
    }

    /**
     * Authenticates a handshake from its headers (the {@code herald.bearer.<JWT>} subprotocol); {@code null}
     * when authentication is off.
     */
    public Verdict authenticate(Map<String, List<String>> handshakeHeaders) {
        return verifier == null ? null : verifier.verify(BearerSubprotocol.token(handshakeHeaders));
    }

    /**
     * Verifies a token offered during a session (a room's {@code refresh}) as at the handshake: signature,
     * {@code iss}, {@code aud}, {@code exp} (with no clock skew) and {@code nbf}. It must also name the session's
     * subject and still allow its room.
     *
     * @param current the identity the session has now (from its handshake or its last refresh)
     * @return the new identity, or why there is none; {@code null} when authentication is off
     */
    public Verdict reauthenticate(String token, Identity current, String room) {
        if (verifier == null) {
            return null;
        }
        Verdict verdict = verifier.verify(token);
        String failure = !verdict.accepted() ? verdict.failure()
                : !verdict.identity().name().equals(current.name()) ? "the token is for another subject"
                : !verdict.identity().mayJoin(room) ? "the token does not allow room " + room
                : verdict.identity().expiredAt(clock.instant()) ? "the token has expired"
                : null;
        if (failure == null) {
            return verdict;
        }
        LOG.fine(() -> "refused a token refresh in room " + room + ": " + failure);
        return Verdict.refused(failure);
    }

    /** {@code true} once the drain has begun: the node refuses every new connection. */
    public boolean draining() {
        return draining;
    }

    /** From now on every connection is refused with 1012 {@code service restart}. */
    public void startDraining() {
        draining = true;
    }

    /** {@code true} unless an operator closed admission ({@link #setOpen}); the drain is separate. */
    public boolean open() {
        return open;
    }

    /**
     * Opens or closes admission: while closed every new connection is refused with 1013 {@code try again later},
     * and the open ones are left alone.
     */
    public void setOpen(boolean open) {
        this.open = open;
        LOG.info(() -> open ? "admission opened: new connections are accepted"
                : "admission closed: new connections are refused with 1013");
    }

    /**
     * Decides on a new connection; when it is admitted, it takes a connection slot.
     *
     * @param room          the room it asks for, or {@code null} on the classic endpoint
     * @param displayName   the name it would have in the room ({@link #displayName}), or {@code null} when classic
     * @param verdict       what {@link #authenticate} said of its handshake ({@code null} when authentication is off)
     * @return {@code null} when admitted, else the closure to refuse it with
     */
    public Closure admit(String address, String room, String displayName, Verdict verdict) {
        if (draining) {
            return Closure.SERVICE_RESTART;
        }
        if (!open) {
            return Closure.TRY_AGAIN_LATER;
        }
        // Every attempt counts, whatever else would refuse it: a flood of bad handshakes costs its sender too.
        if (!connectRate.tryConnect(address, System.nanoTime())) {
            return Closure.TRY_AGAIN_LATER;
        }
        if (room != null && !Names.isValidRoom(room)) {
            return Closure.INVALID_ROOM;
        }
        if (refusedByAuthentication(address, verdict, room)) {
            return Closure.UNAUTHORIZED;
        }
        if (room != null && !Names.isAcceptableDisplayName(displayName)) {
            return Closure.INVALID_NAME;
        }
        // The caps come last, so that refused connections never hold a slot.
        return limits.tryAcquire(address) ? null : Closure.TRY_AGAIN_LATER;
    }

    /** The name a room member asks for, or the verified token's {@code sub}, which replaces it. */
    public String displayName(String requested, Verdict verdict) {
        return verdict != null && verdict.accepted() ? verdict.identity().name() : requested;
    }

    /** Gives back the slot of an admitted connection that has gone. */
    public void release(String address) {
        limits.release(address);
    }

    /**
     * With authentication on, {@code true} for a handshake without a valid token for {@code room}. Nimbus allows
     * 60 s of clock skew on {@code exp}; Herald does not, because a session is closed at its token's {@code exp}
     * (4001), and a session that would be closed the moment it opened is better refused.
     */
    private boolean refusedByAuthentication(String address, Verdict verdict, String room) {
        if (verifier == null) {
            return false;
        }
        String failure = verdict == null ? "the handshake was not authenticated"
                : !verdict.accepted() ? verdict.failure()
                : verdict.identity().expiredAt(clock.instant()) ? "the token has expired"
                : room != null && !verdict.identity().mayJoin(room) ? "the token does not allow room " + room
                : room == null && !verdict.identity().mayUseClassic() ? "the token does not allow the classic endpoint"
                : null;
        if (failure == null) {
            return false;
        }
        LOG.fine(() -> "refused a connection from " + address + ": " + failure);
        return true;
    }
}
