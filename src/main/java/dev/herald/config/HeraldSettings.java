package dev.herald.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One immutable snapshot of Herald's settings; see {@link Setting} for each key and default.
 *
 * @param keystore        PKCS12 keystore for wss, or {@code null} for plain ws
 * @param allowedOrigins  exact origins allowed besides the server's own host; {@code "*"} allows every origin
 * @param auth            token authentication, off unless {@code auth=jwt}
 * @param writerThreads   standalone writer threads; {@code auto} is resolved to the number of cores
 * @param rawFrames       write pre-framed bytes where the runtime allows it
 * @param broker          which broker the nodes share: memory (one node) or Redis (a cluster)
 * @param apiKeyFile      the file holding the HTTP API key, or {@code null} (then the environment, else no API)
 */
public record HeraldSettings(
        String host,
        int port,
        int maxMessageBytes,
        int ratePerSecond,
        int rateBurst,
        int rateAbuseSeconds,
        int maxConnections,
        int maxConnectionsPerAddress,
        int queueBytes,
        SlowConsumerPolicies slowConsumerPolicies,
        int pingSeconds,
        int idleSeconds,
        int handshakeSeconds,
        int writerThreads,
        boolean rawFrames,
        int drainSeconds,
        boolean metrics,
        Path apiKeyFile,
        int historySize,
        int historySeconds,
        int recoveryMax,
        BrokerSettings broker,
        List<String> allowedOrigins,
        AuthSettings auth,
        Path keystore,
        Path keystorePasswordFile) {

    public HeraldSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The documented defaults. */
    public static HeraldSettings defaults() {
        return SettingsLoader.load(key -> null);
    }

    public boolean tls() {
        return keystore != null;
    }
}
