package dev.herald.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Which broker the node uses (protocol.md §7): the memory broker of one node, or Redis shared by a cluster. The
 * Redis password never travels in the URL, a flag or a log: it comes from {@code redis-password-file} or the
 * environment variable {@code HERALD_REDIS_PASSWORD}, read when the broker connects.
 *
 * @param redisUrl          {@code redis://host:port/db} or {@code rediss://…} for TLS, with no password in it
 * @param redisPasswordFile the file holding the password, or {@code null}
 */
public record BrokerSettings(boolean redis, URI redisUrl, Path redisPasswordFile) {

    /** The environment variable holding the Redis password when no password file is configured. */
    public static final String PASSWORD_VARIABLE = "HERALD_REDIS_PASSWORD";

    /**
     * Validates {@code redisUrl}: a {@code redis} or {@code rediss} URL with a host, and no password in it.
     *
     * @throws IllegalArgumentException naming the setting, never echoing a password
     */
    static BrokerSettings of(boolean redis, String redisUrl, Path redisPasswordFile) {
        URI uri;
        try {
            uri = new URI(redisUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(Setting.REDIS_URL.property() + " is not a URL", e);
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(Setting.REDIS_URL.property()
                    + " must look like redis://host:6379/0 (or rediss:// for TLS)");
        }
        if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
            // The URL shows up in process lists and configuration dumps; a password in it would leak there.
            throw new IllegalArgumentException(Setting.REDIS_URL.property() + " must not hold a password: put it in "
                    + Setting.REDIS_PASSWORD_FILE.property() + " or " + PASSWORD_VARIABLE);
        }
        return new BrokerSettings(redis, uri, redisPasswordFile);
    }
}
