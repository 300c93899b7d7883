package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.client.ClientOptions;
import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT authentication (protocol.md §5) on a real server: each refused token closes with 1008 unauthorized
 * before any welcome, while an authenticated bystander in the same room keeps being served; and (an extension)
 * a session is closed with 4001 when its token expires, unless it sent a {@code refresh} first.
 */
@Timeout(60)
class StandaloneAuthIT {

    private static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    private static final MACSigner SIGNER = signer(SECRET);

    @TempDir
    Path dir;
    private StandaloneServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI startWithSecret() throws Exception {
        Path secret = Files.writeString(dir.resolve("jwt-secret"), SECRET + "\n");
        server = StandaloneFixture.start(Map.of(Setting.AUTH, "jwt", Setting.JWT_SECRET_FILE, secret.toString(),
                Setting.JWT_ISSUER, Tokens.ISSUER, Setting.JWT_AUDIENCE, Tokens.AUDIENCE));
        return StandaloneFixture.base(server);
    }

    private static HeraldClient connect(URI uri, String token) throws Exception {
        ClientOptions options = token == null
                ? ClientOptions.defaults().withSubprotocols("herald.v1")
                : ClientOptions.defaults().withSubprotocols("herald.v1", "herald.bearer." + token);
        return HeraldClient.connect(uri, options);
    }

    @Test
    void aValidTokensSubjectBecomesTheNameAndOnlyHeraldV1IsSelected() throws Exception {
        URI base = startWithSecret();
        String token = Tokens.sign(Tokens.valid("alice"), JWSAlgorithm.HS256, SIGNER);
        try (HeraldClient alice = connect(base.resolve("rooms/lobby?name=mallory"), token)) {
            JsonObject welcome = expect(alice, "welcome");
            assertEquals("alice", welcome.getJsonObject("you").getString("name"), "sub wins over ?name");
            assertEquals("herald.v1", alice.subprotocol(), "the token is never echoed");
        }
    }

    @Test
    void everyBadTokenIsClosedWith1008BeforeAnyWelcomeAndTheBystanderCarriesOn() throws Exception {
        URI base = startWithSecret();
        Instant now = Instant.now();
        Map<String, String> badTokens = Map.of(
                "expired", Tokens.sign(Tokens.valid("eve").expirationTime(Date.from(now.minus(Duration.ofHours(1)))),
                        JWSAlgorithm.HS256, SIGNER),
                "not yet valid", Tokens.sign(Tokens.valid("eve").notBeforeTime(Date.from(now.plus(Duration.ofHours(1)))),
                        JWSAlgorithm.HS256, SIGNER),
                "bad signature", Tokens.sign(Tokens.valid("eve"), JWSAlgorithm.HS256,
                        signer("another-secret-that-is-also-32-bytes-long!")),
                "wrong audience", Tokens.sign(Tokens.valid("eve").audience("someone-else"), JWSAlgorithm.HS256, SIGNER),
                "wrong issuer", Tokens.sign(Tokens.valid("eve").issuer("someone-else"), JWSAlgorithm.HS256, SIGNER),
                "room not allowed", Tokens.sign(Tokens.withRooms(Tokens.valid("eve"), "other"), JWSAlgorithm.HS256, SIGNER),
                "no expiry", Tokens.sign(new JWTClaimsSet.Builder().subject("eve").issuer(Tokens.ISSUER)
                        .audience(Tokens.AUDIENCE), JWSAlgorithm.HS256, SIGNER),
                "garbage", "not.a.jwt");
        String good = Tokens.sign(Tokens.withRooms(Tokens.valid("bob"), "lobby"), JWSAlgorithm.HS256, SIGNER);
        try (HeraldClient bystander = connect(base.resolve("rooms/lobby"), good)) {
            expect(bystander, "welcome");
            try (HeraldClient missing = connect(base.resolve("rooms/lobby"), null)) {
                assertRefused(missing, "missing");
            }
            for (Map.Entry<String, String> bad : badTokens.entrySet()) {
                try (HeraldClient refused = connect(base.resolve("rooms/lobby"), bad.getValue())) {
                    assertRefused(refused, bad.getKey());
                }
            }
            try (HeraldClient classic = connect(base, null)) {
                assertRefused(classic, "missing, on the classic endpoint");
            }
            assertNull(bystander.next(Duration.ofMillis(300)), "refused clients are never announced");
            bystander.sendText(publish("still here"));
            assertEquals("still here", expect(bystander, "message").getString("text"));
        }
    }

    @Test
    void aTokenScopedToRoomsOpensTheClassicEndpointOnlyIfItListsIt() throws Exception {
        URI base = startWithSecret();
        String lobbyOnly = Tokens.sign(Tokens.withRooms(Tokens.valid("carol"), "lobby"), JWSAlgorithm.HS256, SIGNER);
        String lobbyAndClassic = Tokens.sign(Tokens.withRooms(Tokens.valid("dave"), "lobby", "/"), JWSAlgorithm.HS256,
                SIGNER);
        String unscoped = Tokens.sign(Tokens.valid("erin"), JWSAlgorithm.HS256, SIGNER);
        try (HeraldClient bystander = connect(base, unscoped)) {
            assertEquals(ProtocolSuite.JOIN, bystander.nextText(Frames.WAIT), "no rooms claim: the classic endpoint too");
            try (HeraldClient scoped = connect(base, lobbyOnly)) {
                assertRefused(scoped, "a token for room lobby only, on the classic endpoint");
            }
            try (HeraldClient listed = connect(base, lobbyAndClassic)) {
                assertEquals(ProtocolSuite.JOIN, listed.nextText(Frames.WAIT));
                assertEquals(ProtocolSuite.JOIN, bystander.nextText(Frames.WAIT));
            }
            try (HeraldClient inTheRoom = connect(base.resolve("rooms/lobby"), lobbyOnly)) {
                expect(inTheRoom, "welcome");
            }
            assertNull(bystander.next(Duration.ofMillis(300)), "the refused client was never announced");
        }
    }

    @Test
    void aSessionIsClosedWith4001AtItsTokensExpUnlessItRefreshedFirst() throws Exception {
        URI base = startWithSecret();
        Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 3); // whole seconds: 2 to 3 s away
        String annToken = Tokens.sign(Tokens.valid("ann").expirationTime(Date.from(exp)), JWSAlgorithm.HS256, SIGNER);
        String bobToken = Tokens.sign(Tokens.withRooms(Tokens.valid("bob"), "lobby").expirationTime(Date.from(exp)),
                JWSAlgorithm.HS256, SIGNER);
        String bobRenewal = Tokens.sign(Tokens.withRooms(Tokens.valid("bob"), "lobby"), JWSAlgorithm.HS256, SIGNER);
        String carolToken = Tokens.sign(Tokens.valid("carol"), JWSAlgorithm.HS256, SIGNER);
        URI lobby = base.resolve("rooms/lobby");
        // Each joins once the one before is welcomed, so that the joins happen in this order.
        try (HeraldClient ann = welcomed(connect(lobby, annToken));
             HeraldClient bob = welcomed(connect(lobby, bobToken));
             HeraldClient carol = welcomed(connect(lobby, carolToken))) {
            expect(ann, "joined");
            expect(ann, "joined");
            expect(bob, "joined");

            bob.refresh(bobRenewal);
            JsonObject refreshed = expect(bob, "refreshed");
            assertTrue(refreshed.getJsonNumber("exp").longValue() > exp.getEpochSecond() + 60, refreshed.toString());

            // A bounded wait for ann's deadline to pass and the server's once-a-second sweep to close it.
            CloseStatus closed = ann.awaitClose(Duration.between(Instant.now(), exp).plus(WAIT));
            assertEquals(new CloseStatus(4001, "token expired"), closed);
            assertFalse(Instant.now().isBefore(exp), "closed before its token's exp " + exp);
            for (HeraldClient member : new HeraldClient[] {bob, carol}) {
                JsonObject left = expect(member, "left");
                assertEquals("ann", left.getJsonObject("member").getString("name"));
                assertEquals("policy", left.getString("reason"));
            }

            // Bob's first token expired in the same sweep as ann's, so by now it would have closed him.
            carol.sendText(publish("bob is still here"));
            assertEquals("bob is still here", expect(bob, "message").getString("text"));
            assertTrue(bob.isOpen(), "the refreshed session outlives its first token");
            assertFalse(bob.closeStatus().isDone(), "closed: " + bob.closeStatus().getNow(null));
        }
    }

    @Test
    void rs256PublicKeysAndEs256JwksAreAccepted() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        Path pem = Files.writeString(dir.resolve("public.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        server = StandaloneFixture.start(Map.of(Setting.AUTH, "jwt", Setting.JWT_PUBLIC_KEY_FILE, pem.toString()));
        String rs256 = Tokens.sign(Tokens.valid("rsa-user"), JWSAlgorithm.RS256,
                new RSASSASigner((RSAPrivateKey) rsa.getPrivate()));
        try (HeraldClient client = connect(StandaloneFixture.base(server).resolve("rooms/keys"), rs256)) {
            assertEquals("rsa-user", expect(client, "welcome").getJsonObject("you").getString("name"));
        }
        String hs256 = Tokens.sign(Tokens.valid("eve"), JWSAlgorithm.HS256, SIGNER);
        try (HeraldClient refused = connect(StandaloneFixture.base(server).resolve("rooms/keys"), hs256)) {
            assertRefused(refused, "an HS256 token against an RSA key");
        }
        server.close();
        server = null;

        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(ec.toPublicJWK()).toString());
        server = StandaloneFixture.start(Map.of(Setting.AUTH, "jwt", Setting.JWT_JWKS_FILE, jwks.toString()));
        String es256 = Tokens.sign(Tokens.valid("ec-user"), JWSAlgorithm.ES256, new ECDSASigner(ec));
        try (HeraldClient client = connect(StandaloneFixture.base(server).resolve("rooms/keys"), es256)) {
            assertEquals("ec-user", expect(client, "welcome").getJsonObject("you").getString("name"));
        }
    }

    private static HeraldClient welcomed(HeraldClient client) throws Exception {
        expect(client, "welcome");
        return client;
    }

    private static void assertRefused(HeraldClient client, String why) throws Exception {
        assertEquals(new CloseStatus(1008, "unauthorized"), client.awaitClose(WAIT), why);
        assertNull(client.next(Duration.ZERO), why + ": no frame before the close");
        assertFalse(client.isOpen(), why);
    }

    private static MACSigner signer(String secret) {
        try {
            return new MACSigner(secret);
        } catch (com.nimbusds.jose.KeyLengthException e) {
            throw new IllegalStateException(e);
        }
    }
}
