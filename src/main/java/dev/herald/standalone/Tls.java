package dev.herald.standalone;

import dev.herald.config.HeraldSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;

/**
 * Builds the server's TLS configuration from a PKCS12 keystore. The password comes from the file named by
 * {@code keystore-password-file} or the environment variable {@code HERALD_KEYSTORE_PASSWORD}, never from a
 * flag, so it does not show in {@code ps}.
 */
final class Tls {

    static final String PASSWORD_VARIABLE = "HERALD_KEYSTORE_PASSWORD";
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private Tls() {
    }

    static SSLEngineConfigurator serverConfigurator(HeraldSettings settings) throws IOException, GeneralSecurityException {
        char[] password = password(settings);
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(settings.keystore())) {
            keyStore.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        SSLEngineConfigurator configurator = new SSLEngineConfigurator(context, false, false, false);
        configurator.setEnabledProtocols(PROTOCOLS);
        return configurator;
    }

    private static char[] password(HeraldSettings settings) throws IOException {
        if (settings.keystorePasswordFile() != null) {
            return Files.readString(settings.keystorePasswordFile()).strip().toCharArray();
        }
        String fromEnvironment = System.getenv(PASSWORD_VARIABLE);
        if (fromEnvironment == null) {
            throw new IOException("the keystore needs a password: set " + PASSWORD_VARIABLE
                    + " or herald.keystore-password-file");
        }
        return fromEnvironment.toCharArray();
    }
}
