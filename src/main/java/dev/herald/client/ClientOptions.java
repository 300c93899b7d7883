package dev.herald.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to connect: an optional truststore for wss (PKCS12 or JKS), the subprotocols to offer, an Origin
 * header to send (browsers send one; others usually do not), and the handshake timeout.
 */
public record ClientOptions(Path truststore, char[] truststorePassword, List<String> subprotocols, String origin,
                            Duration connectTimeout) {

    public ClientOptions {
        subprotocols = List.copyOf(subprotocols);
    }

    /** No truststore (the JDK's default trust), no subprotocols, no Origin, 10 s to connect. */
    public static ClientOptions defaults() {
        return new ClientOptions(null, null, List.of(), null, Duration.ofSeconds(10));
    }

    public ClientOptions withTruststore(Path path, char[] password) {
        return new ClientOptions(path, password, subprotocols, origin, connectTimeout);
    }

    public ClientOptions withSubprotocols(String... protocols) {
        return new ClientOptions(truststore, truststorePassword, List.of(protocols), origin, connectTimeout);
    }

    public ClientOptions withOrigin(String newOrigin) {
        return new ClientOptions(truststore, truststorePassword, subprotocols, newOrigin, connectTimeout);
    }

    public ClientOptions withConnectTimeout(Duration timeout) {
        return new ClientOptions(truststore, truststorePassword, subprotocols, origin, timeout);
    }
}
