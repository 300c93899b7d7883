package dev.herald.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.herald.config.AuthSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer tokens with Nimbus JOSE+JWT: the signature (HS256 with a shared secret, or RS256/ES256 with
 * a public key or JWKS), {@code exp} (required) and {@code nbf} with Nimbus's default 60 s clock skew, and
 * {@code iss} and {@code aud} when configured. Nothing here logs or returns the token itself.
 */
public final class TokenVerifier {

    private static final int MIN_SECRET_BYTES = 32;
    private static final String ROOMS_CLAIM = "rooms";

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    private TokenVerifier(JWSVerificationKeySelector<SecurityContext> keys, AuthSettings settings) {
        processor.setJWSKeySelector(keys);
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (settings.issuer() != null) {
            exact.issuer(settings.issuer());
        }
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                settings.audience() == null ? null : Set.of(settings.audience()),
                exact.build(),
                Set.of("sub", "exp"),
                null));
    }

    /**
     * The verifier for {@code settings}, whose keys are read now so that a bad key file stops the start.
     *
     * @throws IllegalArgumentException when no key source, or more than one, is configured, or a key is unusable
     */
    public static TokenVerifier create(AuthSettings settings) throws IOException {
        String secret = settings.secretFile() != null
                ? Files.readString(settings.secretFile()).strip()
                : System.getenv(AuthSettings.SECRET_VARIABLE);
        int sources = (secret != null && !secret.isEmpty() ? 1 : 0)
                + (settings.publicKeyFile() != null ? 1 : 0) + (settings.jwksFile() != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("auth=jwt needs exactly one key source: herald.jwt-secret-file (or "
                    + AuthSettings.SECRET_VARIABLE + "), herald.jwt-public-key-file or herald.jwt-jwks-file; found " + sources);
        }
        if (settings.publicKeyFile() != null) {
            return fromPublicKey(settings.publicKeyFile(), settings);
        }
        if (settings.jwksFile() != null) {
            return fromJwks(settings.jwksFile(), settings);
        }
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the HS256 secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new TokenVerifier(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(key)),
                settings);
    }

    /** Verifies {@code token}: the identity it carries, or the reason it is refused (without the token). */
    public Verdict verify(String token) {
        if (token == null) {
            return Verdict.refused("no token offered");
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            List<String> rooms = claims.getStringListClaim(ROOMS_CLAIM);
            Date expiry = claims.getExpirationTime();
            return Verdict.accepted(new Identity(claims.getSubject(), rooms == null ? null : new HashSet<>(rooms),
                    expiry == null ? null : expiry.toInstant()));
        } catch (ParseException e) {
            return Verdict.refused("malformed token or rooms claim");
        } catch (BadJOSEException | JOSEException e) {
            return Verdict.refused(e.getMessage());
        }
    }

    private static TokenVerifier fromPublicKey(Path pem, AuthSettings settings) throws IOException {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        PublicKey key = null;
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next key type
            }
        }
        JWK jwk;
        JWSAlgorithm algorithm;
        if (key instanceof RSAPublicKey rsa) {
            jwk = new RSAKey.Builder(rsa).build();
            algorithm = JWSAlgorithm.RS256;
        } else if (key instanceof ECPublicKey ec) {
            jwk = new ECKey.Builder(Curve.P_256, ec).build();
            algorithm = JWSAlgorithm.ES256;
        } else {
            throw new IllegalArgumentException(pem + " holds no RSA or EC public key in PEM (X.509 SubjectPublicKeyInfo)");
        }
        return new TokenVerifier(new JWSVerificationKeySelector<>(algorithm, new ImmutableJWKSet<>(new JWKSet(jwk))),
                settings);
    }

    private static TokenVerifier fromJwks(Path file, AuthSettings settings) throws IOException {
        JWKSource<SecurityContext> keys;
        try {
            keys = new ImmutableJWKSet<>(JWKSet.load(file.toFile()));
        } catch (ParseException e) {
            throw new IllegalArgumentException(file + " is not a JWKS document: " + e.getMessage(), e);
        }
        return new TokenVerifier(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys),
                settings);
    }
}
