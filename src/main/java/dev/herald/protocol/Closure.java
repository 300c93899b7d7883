package dev.herald.protocol;

/**
 * Every way Herald closes a connection: the close code, the reason text the peer sees, and the
 * {@link LeaveReason} the room is told.
 */
public enum Closure {
    NORMAL(1000, "", LeaveReason.CLOSED),
    IDLE_TIMEOUT(1001, "idle timeout", LeaveReason.TIMEOUT),
    GOING_AWAY(1001, "going away", LeaveReason.CLOSED),
    CONNECTION_FAILED(1001, "connection failed", LeaveReason.ERROR),
    BINARY_NOT_SUPPORTED(1003, "binary not supported", LeaveReason.POLICY),
    INVALID_ROOM(1008, "invalid room", LeaveReason.POLICY),
    INVALID_NAME(1008, "invalid name", LeaveReason.POLICY),
    UNAUTHORIZED(1008, "unauthorized", LeaveReason.POLICY),
    RATE_LIMIT_ABUSE(1008, "rate limit abuse", LeaveReason.POLICY),
    /** An operator closed it ({@code DELETE /api/clients/{id}}, or the Java API's {@code disconnect}). */
    DISCONNECTED_BY_ADMIN(1008, "disconnected by admin", LeaveReason.POLICY),
    MESSAGE_TOO_BIG(1009, "message too big", LeaveReason.POLICY),
    INTERNAL_ERROR(1011, "internal error", LeaveReason.ERROR),
    SERVICE_RESTART(1012, "service restart", LeaveReason.CLOSED),
    TRY_AGAIN_LATER(1013, "try again later", LeaveReason.POLICY),
    SLOW_CONSUMER(4000, "slow consumer", LeaveReason.SLOW),
    /**
     * The token the session was opened (or last refreshed) with has passed its {@code exp} (an extension). The
     * room hears {@code policy}, as for 1008 {@code unauthorized}: the authentication policy ended the session.
     */
    TOKEN_EXPIRED(4001, "token expired", LeaveReason.POLICY);

    private final int code;
    private final String reason;
    private final LeaveReason leaveReason;

    Closure(int code, String reason, LeaveReason leaveReason) {
        this.code = code;
        this.reason = reason;
        this.leaveReason = leaveReason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public LeaveReason leaveReason() {
        return leaveReason;
    }
}
