package dev.herald.api;

import dev.herald.config.HeraldSettings;
import dev.herald.config.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The HTTP API's key (protocol.md §8): from {@code api-key-file}, else the environment variable
 * {@value #VARIABLE}; at least {@value #MIN_BYTES} bytes. Presented keys are compared in constant time (both sides
 * hashed first, so that not even the length leaks), and the key is never logged.
 */
public final class ApiKey {

    public static final String VARIABLE = "HERALD_API_KEY";
    static final int MIN_BYTES = 32;
    private static final String BEARER = "Bearer ";

    private final byte[] digest;

    private ApiKey(byte[] key) {
        this.digest = sha256(key);
    }

    /**
     * The configured key, or empty when none is (then the API is off).
     *
     * @throws IllegalArgumentException when the file cannot be read or the key is shorter than 32 bytes; the message
     *                                  never holds the key
     */
    public static Optional<ApiKey> configured(HeraldSettings settings, String fromEnvironment) {
        String key;
        if (settings.apiKeyFile() != null) {
            try {
                key = Files.readString(settings.apiKeyFile()).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + Setting.API_KEY_FILE.property() + " "
                        + settings.apiKeyFile() + ": " + e.getMessage(), e);
            }
        } else if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            key = fromEnvironment.strip();
        } else {
            return Optional.empty();
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("the API key (" + Setting.API_KEY_FILE.property() + " or " + VARIABLE
                    + ") must be at least " + MIN_BYTES + " bytes; it has " + bytes.length);
        }
        return Optional.of(new ApiKey(bytes));
    }

    /** {@code true} when {@code authorization} is {@code Bearer <this key>}. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKey[hidden]";
    }
}
