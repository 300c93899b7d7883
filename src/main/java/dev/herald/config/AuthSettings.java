package dev.herald.config;

import java.nio.file.Path;

/**
 * Token authentication settings (protocol.md §5). When enabled, exactly one key source is used: an HS256 secret
 * (a file, or the environment variable {@code HERALD_JWT_SECRET}), a PEM public key, or a JWKS file.
 *
 * @param issuer   the required {@code iss}, or {@code null} to accept any
 * @param audience the required {@code aud}, or {@code null} to accept any
 */
public record AuthSettings(boolean enabled, Path secretFile, Path publicKeyFile, Path jwksFile, String issuer,
                           String audience) {

    /** The environment variable holding the HS256 secret when no secret file is configured. */
    public static final String SECRET_VARIABLE = "HERALD_JWT_SECRET";
}
