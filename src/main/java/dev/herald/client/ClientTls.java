package dev.herald.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.glassfish.tyrus.client.SslEngineConfigurator;

/** Builds the Tyrus TLS configuration for {@code wss://} from the client's options: whom to trust. */
final class ClientTls {

    private ClientTls() {
    }

    static SslEngineConfigurator configurator(ClientOptions options) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (options.truststore() == null) {
                trust.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance(options.truststore().toString().endsWith(".jks") ? "JKS" : "PKCS12");
                try (InputStream in = Files.newInputStream(options.truststore())) {
                    store.load(in, options.truststorePassword());
                }
                trust.init(store);
            }
            context.init(null, trust.getTrustManagers(), null);
            // client mode, no client certificate; host name verification stays on.
            return new SslEngineConfigurator(context, true, false, false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load truststore " + options.truststore() + ": " + e.getMessage(), e);
        }
    }
}
