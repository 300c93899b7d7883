package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.ClientOptions;
import dev.herald.client.HeraldClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves that a runtime's server-config script ran and took effect: it sets {@code herald.ping-seconds=20}
 * (the default is 25) and adds a TLS listener with the key made by {@code make-dev-keystore.sh}. Each
 * subclass deploys the packaged WAR to a server that the build configured with its script.
 */
@Timeout(60)
abstract class ServerConfigSuite {

    /** The value both scripts give herald.ping-seconds; the default is 25. */
    static final int SCRIPTED_PING_SECONDS = 20;

    /** The plain ws:// base of the deployed WAR. */
    protected abstract URI base();

    @Test
    void theScriptsHeartbeatSettingReachesHerald() throws Exception {
        try (HeraldClient client = HeraldClient.connect(base().resolve("rooms/" + ProtocolSuite.newRoom()))) {
            assertEquals(SCRIPTED_PING_SECONDS, expect(client, "welcome").getInt("heartbeatSeconds"));
        }
    }

    @Test
    void theScriptsTlsListenerServesWssWithHeraldsCertificate() throws Exception {
        URI secure = ContainerDeployment.secureBase();
        // Trusting only the certificate that make-dev-keystore.sh made proves the listener uses that key store,
        // not the runtime's own self-signed one.
        try (HeraldClient classic = HeraldClient.connect(secure, trustingHeraldsCertificate())) {
            assertEquals(ProtocolSuite.JOIN, classic.nextText(WAIT));
            classic.sendText("over tls");
            assertTrue(classic.nextText(WAIT).endsWith(" said: over tls"));
        }
        try (HeraldClient room = HeraldClient.connect(secure.resolve("rooms/" + ProtocolSuite.newRoom()),
                trustingHeraldsCertificate())) {
            assertEquals(SCRIPTED_PING_SECONDS, expect(room, "welcome").getInt("heartbeatSeconds"));
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheTlsHandshake() {
        // The JDK's default trust does not include the development certificate. The failure must be the TLS
        // handshake, not a refused connection, or this would pass with no listener at all.
        IOException failure = assertThrows(IOException.class, () -> HeraldClient.connect(ContainerDeployment.secureBase()));
        Throwable cause = failure;
        while (cause != null && !(cause instanceof SSLException)) {
            cause = cause.getCause();
        }
        assertNotNull(cause, () -> "expected a TLS failure, got " + describe(failure));
    }

    private static String describe(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            chain.append(cause).append(" <- ");
        }
        return chain.toString();
    }

    private static ClientOptions trustingHeraldsCertificate() {
        Path truststore = Path.of(System.getProperty("herald.it.truststore"));
        assertTrue(Files.isRegularFile(truststore), truststore + " (made by make-dev-keystore.sh at pre-integration-test)");
        String password = System.getenv("HERALD_KEYSTORE_PASSWORD");
        assertNotNull(password, "failsafe passes HERALD_KEYSTORE_PASSWORD");
        return ClientOptions.defaults().withTruststore(truststore, password.toCharArray());
    }
}
