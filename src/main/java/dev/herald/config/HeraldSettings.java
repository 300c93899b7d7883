package dev.herald.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One immutable snapshot of Herald's settings; see {@link Setting} for each key and default.
 *
 * @param keystore        PKCS12 keystore for wss, or {@code null} for plain ws
 * @param allowedOrigins  exact origins allowed besides the server's own host; {@code "*"} allows every origin
 * @param auth            token authentication, off unless {@code auth=jwt}
 * @param writerThreads   the hub's writer threads, on every runtime; {@code auto} is resolved to the number of cores
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
        int connectRatePerAddress,
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

    /** These settings with another {@code max-connections} (standalone caps it to the open-files limit). */
    public HeraldSettings withMaxConnections(int newMaxConnections) {
        return new HeraldSettings(host, port, maxMessageBytes, ratePerSecond, rateBurst, rateAbuseSeconds,
                newMaxConnections, maxConnectionsPerAddress, connectRatePerAddress, queueBytes, slowConsumerPolicies,
                pingSeconds, idleSeconds, handshakeSeconds, writerThreads, rawFrames, drainSeconds, metrics, apiKeyFile,
                historySize, historySeconds, recoveryMax, broker, allowedOrigins, auth, keystore, keystorePasswordFile);
    }

    public boolean tls() {
        return keystore != null;
    }

    /**
     * What one member's burst of the largest messages costs each reader's queue: {@code rate-burst} frames of
     * {@code max-message-bytes} plus the envelope of a {@code message} frame ({@link #FRAME_ENVELOPE_BYTES}).
     */
    public long burstBytes() {
        return (long) rateBurst * (maxMessageBytes + FRAME_ENVELOPE_BYTES);
    }

    /** Room for a message frame's JSON around its text: type, room, offset, sender, timestamp, key. */
    public static final int FRAME_ENVELOPE_BYTES = 512;

    /**
     * Why these settings let one well-behaved member overflow a reader that keeps up, or empty when they do not:
     * a burst ({@link #burstBytes}) larger than {@code queue-bytes} lands in every reader's queue at once, so readers
     * are closed with 4000 (or lose messages) although nobody broke a rule.
     */
    public Optional<String> burstExceedsQueue() {
        if (burstBytes() <= queueBytes) {
            return Optional.empty();
        }
        return Optional.of(Setting.RATE_BURST.property() + " (" + rateBurst + ") x (" + Setting.MAX_MESSAGE_BYTES
                .property() + " (" + maxMessageBytes + ") + " + FRAME_ENVELOPE_BYTES + ") = " + burstBytes()
                + " bytes is more than " + Setting.QUEUE_BYTES.property() + " (" + queueBytes + "): one member "
                + "sending a burst of its largest messages, within its limits, overflows every reader's queue; raise "
                + Setting.QUEUE_BYTES.property() + " or lower the others (README, Configuration)");
    }
}
