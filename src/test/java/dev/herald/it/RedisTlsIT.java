package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a real redis-server speaking TLS (Debian's is built with it), with the build's dev key:
 * a node that trusts the certificate publishes through it, and one that does not refuses the link (Lettuce verifies
 * the peer), so it is not ready and refuses newcomers with 1013 rather than talking to an unverified Redis.
 */
@Timeout(120)
class RedisTlsIT {

    private static final Path TLS_DIR = Path.of(System.getProperty("herald.it.tls.dir", "target/tls"));
    private static final String PASSWORD = System.getProperty("herald.it.tls.password", "herald-dev-only");

    @Test
    void aNodeThatTrustsTheCertificatePublishesThroughRedisOverTls(@TempDir Path dir) throws Exception {
        int tlsPort = freePort();
        Pem files = pem(dir);
        try (RedisProcess redis = RedisProcess.startTls(tlsPort, files.certificate(), files.key());
             NodeProcess node = NodeProcess.start("tls", Map.of("broker", "redis",
                     "redis-url", "rediss://127.0.0.1:" + tlsPort + "/0"), Map.of(), trusting())) {
            String room = ProtocolSuite.newRoom();
            try (HeraldClient ann = HeraldClient.connect(node.uri().resolve("rooms/" + room + "?name=ann"))) {
                expect(ann, "welcome");
                ann.sendText(publish("over tls", "t1"));
                assertEquals("over tls", expect(ann, "message").getString("text"));
                assertEquals("t1", expect(ann, "ack").getString("ref"));
            }
            assertEquals("1", redis.command("EXISTS", "herald:{" + room + "}:log").strip(),
                    "the message is in that Redis's history");
        }
    }

    @Test
    void aNodeThatDoesNotTrustTheCertificateRefusesTheLink(@TempDir Path dir) throws Exception {
        int tlsPort = freePort();
        Pem files = pem(dir);
        try (RedisProcess redis = RedisProcess.startTls(tlsPort, files.certificate(), files.key());
             NodeProcess node = NodeProcess.start("untrusting", Map.of("broker", "redis",
                     "redis-url", "rediss://127.0.0.1:" + tlsPort + "/0"), Map.of())) {
            URI ready = URI.create(node.uri().toString().replaceFirst("^ws", "http")).resolve("health/ready");
            // Several reconnection attempts: never ready, because the handshake is refused every time.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < until) {
                assertEquals(503, OperationsSuite.get(ready).statusCode(), "ready with an unverified Redis");
                Thread.sleep(500); // sampling readiness over a few seconds: there is no event to wait for
            }
            try (HeraldClient late = HeraldClient.connect(node.uri().resolve("rooms/r?name=late"))) {
                CloseStatus status = late.closeStatus().get(10, TimeUnit.SECONDS);
                assertEquals(1013, status.code(), status.toString());
            }
            String log = node.log();
            assertTrue(log.contains("certification path"),
                    "the node says why: " + log.lines().filter(line -> line.contains("Redis")).toList());
        }
    }

    /** The node's JVM trusts the build's dev certificate. */
    private static List<String> trusting() {
        return List.of("-Djavax.net.ssl.trustStore=" + TLS_DIR.resolve("herald-truststore.p12").toAbsolutePath(),
                "-Djavax.net.ssl.trustStorePassword=" + PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private record Pem(Path certificate, Path key) {
    }

    /** The dev keystore's certificate and key as the PEM files redis-server reads. */
    private static Pem pem(Path dir) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TLS_DIR.resolve("herald-keystore.p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                Key key = store.getKey(alias, PASSWORD.toCharArray());
                Certificate certificate = store.getCertificate(alias);
                Path certificatePem = dir.resolve("redis.crt");
                Path keyPem = dir.resolve("redis.key");
                Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()));
                Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
                return new Pem(certificatePem, keyPem);
            }
        }
        throw new IllegalStateException("no key in " + TLS_DIR.resolve("herald-keystore.p12"));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
