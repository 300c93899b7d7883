package dev.herald.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Signs test tokens: valid by default, with one claim changed per failure case. */
final class Tokens {

    static final String ISSUER = "herald-tests";
    static final String AUDIENCE = "herald";

    private Tokens() {
    }

    static JWTClaimsSet.Builder valid(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minus(Duration.ofMinutes(5))))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    static JWTClaimsSet.Builder withRooms(JWTClaimsSet.Builder claims, String... rooms) {
        return claims.claim("rooms", List.of(rooms));
    }

    static String sign(JWTClaimsSet.Builder claims, JWSAlgorithm algorithm, JWSSigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }
}
