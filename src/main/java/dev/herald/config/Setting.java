package dev.herald.config;

import java.util.Locale;

/**
 * Every Herald setting: its key, default and meaning. The README's configuration table mirrors this enum.
 *
 * <p>A key {@code port} is read, first match wins, from the flag {@code --port}, the system property
 * {@code herald.port}, the environment variable {@code HERALD_PORT}, and (in a container) the context
 * parameter {@code herald.port}.
 */
public enum Setting {
    HOST("host", "127.0.0.1", "standalone bind address"),
    PORT("port", "9001", "standalone port (0 picks a free one)"),
    MAX_MESSAGE_BYTES("max-message-bytes", "65536", "largest inbound message; larger closes with 1009"),
    RATE_PER_SECOND("rate-per-second", "20", "inbound frames per second per connection (token refill)"),
    RATE_BURST("rate-burst", "40", "inbound burst allowance per connection (bucket size)"),
    RATE_ABUSE_SECONDS("rate-abuse-seconds", "3", "seconds of continuous limiting before close 1008"),
    MAX_CONNECTIONS("max-connections", "10000", "open connections in total; over it closes with 1013. Standalone"
            + " caps it below the process's open-files limit, with a warning (Troubleshooting)"),
    MAX_CONNECTIONS_PER_ADDRESS("max-connections-per-address", "100",
            "open connections per remote address; over it closes with 1013"),
    CONNECT_RATE_PER_ADDRESS("connect-rate-per-address", "50",
            "new connections per second per remote address (bursts of twice that); more are closed with 1013"),
    QUEUE_BYTES("queue-bytes", "4194304",
            "outbound queue budget per connection; over it closes with 4000; at least rate-burst x (max-message-bytes + 512)"),
    SLOW_CONSUMER_POLICY("slow-consumer-policy", "disconnect",
            "what happens over queue-bytes: disconnect (4000), drop-oldest, or conflate"),
    SLOW_CONSUMER_POLICIES("slow-consumer-policies", "",
            "per-room overrides, comma-separated room-pattern=policy (* matches any run), first match wins"),
    PING_SECONDS("ping-seconds", "25", "interval of server pings"),
    IDLE_SECONDS("idle-seconds", "60", "close 1001 when nothing arrives for this long"),
    HANDSHAKE_SECONDS("handshake-seconds", "10",
            "standalone: close a connection that has not completed its WebSocket handshake within this time"),
    WRITER_THREADS("writer-threads", "auto",
            "threads of Herald's own that write fan-outs, so that a busy client's frames leave in batches; auto is one per core, 0 writes on the reading thread (the container's, in a WAR)"),
    RAW_FRAMES("raw-frames", "on",
            "on: a lagging client's waiting frames are written together: pre-framed where the runtime is Tyrus (standalone, Payara, GlassFish), through the standard API's batching on WildFly; off: every frame through the standard WebSocket API, one at a time"),
    DRAIN_SECONDS("drain-seconds", "10",
            "on shutdown, close connections with 1012 after their pending frames, within this time; 0 closes at once with 1001"),
    METRICS("metrics", "on",
            "on: GET /metrics (Prometheus) and /health/live, /health/ready are served on the WebSocket port; off: neither"),
    API_KEY_FILE("api-key-file", "",
            "file holding the HTTP API key, at least 32 bytes (else env HERALD_API_KEY); with neither, /api answers 404"),
    HISTORY_SIZE("history-size", "1000", "messages kept per room for resume; 0 keeps none (only a resume at the latest offset succeeds)"),
    HISTORY_SECONDS("history-seconds", "300",
            "how long a message is kept, and a room's offsets and epoch after its last message, even with no members"),
    RECOVERY_MAX("recovery-max", "1000", "most missed messages a resume replays; more gives recovered: false"),
    BROKER("broker", "memory",
            "memory: one node, nothing to install; redis: nodes sharing redis-url form one service (docs/scaling-out.md)"),
    REDIS_URL("redis-url", "redis://127.0.0.1:6379/0",
            "the Redis of broker=redis; rediss:// for TLS; no password here (env HERALD_REDIS_PASSWORD or redis-password-file)"),
    REDIS_PASSWORD_FILE("redis-password-file", "", "file holding the Redis password (else env HERALD_REDIS_PASSWORD)"),
    ALLOWED_ORIGINS("allowed-origins", "",
            "comma-separated extra origins allowed besides the server's own host; * allows all"),
    AUTH("auth", "none", "none, or jwt: every connection must offer a valid token in the herald.bearer.<JWT> subprotocol"),
    JWT_SECRET_FILE("jwt-secret-file", "", "HS256 secret, at least 32 bytes, in a file (else env HERALD_JWT_SECRET)"),
    JWT_PUBLIC_KEY_FILE("jwt-public-key-file", "", "PEM public key (RSA for RS256, EC P-256 for ES256)"),
    JWT_JWKS_FILE("jwt-jwks-file", "", "JWKS file of RS256/ES256 public keys"),
    JWT_ISSUER("jwt-issuer", "", "required iss claim, when set"),
    JWT_AUDIENCE("jwt-audience", "", "required aud claim, when set"),
    KEYSTORE("keystore", "", "PKCS12 keystore file; when set, the standalone server speaks wss only"),
    KEYSTORE_PASSWORD_FILE("keystore-password-file", "",
            "file holding the keystore password (else env HERALD_KEYSTORE_PASSWORD)");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The flag, e.g. {@code --max-message-bytes}. */
    public String flag() {
        return "--" + key;
    }

    /** The system property or context parameter, e.g. {@code herald.max-message-bytes}. */
    public String property() {
        return "herald." + key;
    }

    /** The environment variable, e.g. {@code HERALD_MAX_MESSAGE_BYTES}. */
    public String environmentVariable() {
        return "HERALD_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The setting whose key is {@code key}, or {@code null}. */
    public static Setting byKey(String key) {
        for (Setting setting : values()) {
            if (setting.key.equals(key)) {
                return setting;
            }
        }
        return null;
    }
}
