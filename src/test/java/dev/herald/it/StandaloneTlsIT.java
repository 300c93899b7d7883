package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.ClientOptions;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * wss on the standalone server, with the keystore made by {@code server-config/tls/make-dev-keystore.sh} and
 * the password read from a file.
 */
@Timeout(60)
class StandaloneTlsIT {

    private static final String PASSWORD = "dev-only-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;
    private static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "server-config/tls/make-dev-keystore.sh", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile());
        builder.environment().put("HERALD_KEYSTORE_PASSWORD", PASSWORD);
        Process script = builder.start();
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "keytool script timed out");
        assertEquals(0, script.exitValue(), "make-dev-keystore.sh failed");
        Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        server = StandaloneFixture.start(Map.of(
                Setting.KEYSTORE, dir.resolve("herald-keystore.p12").toString(),
                Setting.KEYSTORE_PASSWORD_FILE, passwordFile.toString()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aClientTrustingTheCertificateSpeaksWss() throws Exception {
        URI uri = URI.create(server.uri());
        assertEquals("wss", uri.getScheme());
        ClientOptions trusting = ClientOptions.defaults()
                .withTruststore(dir.resolve("herald-truststore.p12"), PASSWORD.toCharArray());
        try (HeraldClient client = HeraldClient.connect(uri, trusting)) {
            assertEquals(ProtocolSuite.JOIN, client.nextText(WAIT));
            client.sendText("over tls");
            assertTrue(client.nextText(WAIT).endsWith(" said: over tls"));
        }
    }

    @Test
    void anUntrustedCertificateIsRejectedByTheClient() {
        URI uri = URI.create(server.uri());
        assertThrows(IOException.class, () -> HeraldClient.connect(uri, ClientOptions.defaults()));
    }

    @Test
    void aPlainClientIsRefusedOnTheTlsPort() {
        // Grizzly's TLS filter waits for the rest of what it takes for a TLS record, so the plain handshake is
        // never answered: the client gives up, and no WebSocket is ever opened in clear text.
        URI plain = URI.create("ws://127.0.0.1:" + server.port() + "/");
        assertThrows(IOException.class,
                () -> HeraldClient.connect(plain, ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(2))));
        assertThrows(IOException.class, () -> RawWebSocket.open(plain, null, 0, 2_000));
    }
}
