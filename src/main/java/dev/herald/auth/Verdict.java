package dev.herald.auth;

/**
 * The outcome of authenticating one handshake: an identity, or why there is none. It travels from the
 * configurator to the endpoint in the session's user properties under {@link #USER_PROPERTY}.
 */
public record Verdict(Identity identity, String failure) {

    /** The user-property key; WebSocket 2.1 copies handshake user properties into each session. */
    public static final String USER_PROPERTY = "dev.herald.auth.verdict";

    public static Verdict accepted(Identity identity) {
        return new Verdict(identity, null);
    }

    public static Verdict refused(String failure) {
        return new Verdict(null, failure);
    }

    public boolean accepted() {
        return identity != null;
    }
}
