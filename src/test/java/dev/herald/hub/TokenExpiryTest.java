package dev.herald.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.auth.Verdict;
import dev.herald.config.Setting;
import dev.herald.protocol.Closure;
import dev.herald.protocol.Inbound;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token expiry and refresh (docs/protocol.md, extensions): a session is closed with 4001 {@code token expired}
 * when its token's {@code exp} passes, unless a {@code refresh} with a valid token for the same subject and room
 * moved its deadline first; a refused refresh leaves the old deadline in force.
 */
class TokenExpiryTest extends LiveHubTest {

    private static final String SECRET = "a-unit-test-secret-that-is-at-least-32-bytes";
    private static final String OTHER_SECRET = "another-secret-that-is-also-at-least-32-bytes";
    private static final String AUDIENCE = "herald";
    /** How late after {@code exp} the heartbeat may close: its sweep period, plus time for a loaded machine. */
    private static final Duration SWEEP_SLACK = Duration.ofMillis(Heartbeat.EXPIRY_SWEEP_MILLIS + 1500);

    @TempDir
    Path dir;

    @BeforeEach
    void authenticationOn() throws Exception {
        config.put(Setting.AUTH, "jwt");
        config.put(Setting.JWT_SECRET_FILE, Files.writeString(dir.resolve("secret"), SECRET).toString());
        config.put(Setting.JWT_AUDIENCE, AUDIENCE);
    }

    // ---- expiry ----------------------------------------------------------------------------------

    @Test
    void aSessionIsClosedWith4001WhenItsTokenExpiresAndTheRoomHearsPolicy() throws Exception {
        Instant exp = inSeconds(3600);
        RecordingConnection annConnection = new RecordingConnection("192.0.2.1");
        Client ann = join(annConnection, "lobby", token(claims("ann", exp)));
        RecordingConnection bobConnection = new RecordingConnection("192.0.2.2");
        join(bobConnection, "lobby", token(claims("bob", inSeconds(7200))));

        hub().closeExpired(exp.minusMillis(1));
        assertEquals(List.of(), annConnection.closures(), "not before exp");
        hub().closeExpired(exp);
        assertEquals(List.of(Closure.TOKEN_EXPIRED), annConnection.closures(), "at exp");
        assertEquals(4001, Closure.TOKEN_EXPIRED.code());
        assertEquals("token expired", Closure.TOKEN_EXPIRED.reason());

        hub().disconnected(ann, 1000); // what the endpoint's @OnClose does
        JsonObject left = bobConnection.last();
        assertEquals("left", left.getString("type"));
        assertEquals("ann", left.getJsonObject("member").getString("name"));
        assertEquals("policy", left.getString("reason"));
        assertEquals(List.of(), bobConnection.closures(), "the other member's token has not expired");
    }

    @Test
    void theHeartbeatClosesAnExpiredSessionWithinAboutASecondOfExp() throws Exception {
        Instant exp = inSeconds(2); // exp has whole seconds: between 1 and 2 s from now
        TimedConnection connection = new TimedConnection();
        join(connection, "lobby", token(claims("ann", exp)));
        // A bounded wait for the deadline to pass and the next sweep to run.
        assertTrue(connection.closed.await(Duration.between(Instant.now(), exp.plus(SWEEP_SLACK)).toMillis(),
                TimeUnit.MILLISECONDS), "still open " + SWEEP_SLACK + " after exp");
        assertEquals(List.of(Closure.TOKEN_EXPIRED), connection.closures());
        assertFalse(connection.closedAt.isBefore(exp), "closed at " + connection.closedAt + ", before exp " + exp);
    }

    @Test
    void classicSessionsAreClosedAtExpToo() throws Exception {
        Instant exp = inSeconds(3600);
        RecordingConnection connection = new RecordingConnection("192.0.2.1");
        assertNotNull(hub().openClassic(connection, verdict(token(claims("ann", exp)))));
        hub().closeExpired(exp.minusMillis(1));
        assertEquals(List.of(), connection.closures());
        hub().closeExpired(exp);
        assertEquals(List.of(Closure.TOKEN_EXPIRED), connection.closures());
    }

    @Test
    void aTokenPastItsExpIsRefusedAtTheHandshakeDespiteTheVerifiersClockSkew() throws Exception {
        RecordingConnection connection = new RecordingConnection("192.0.2.1");
        String expired = token(claims("ann", inSeconds(-10))); // Nimbus alone would accept it (60 s of skew)
        assertNull(hub().joinRoom(connection, "lobby", null, verdict(expired)));
        assertEquals(List.of(Closure.UNAUTHORIZED), connection.closures());
        assertEquals(List.of(), connection.texts(), "no welcome");
    }

    // ---- refresh -----------------------------------------------------------------------------------

    @Test
    void aRefreshMovesTheDeadlineToTheNewExp() throws Exception {
        Instant first = inSeconds(600);
        Instant renewed = inSeconds(3600);
        RecordingConnection connection = new RecordingConnection("192.0.2.1");
        Client ann = join(connection, "lobby", token(rooms(claims("ann", first), "lobby")));

        hub().onFrame(ann, new Inbound.Refresh(token(rooms(claims("ann", renewed), "lobby", "other"))));
        JsonObject reply = connection.last();
        assertEquals("refreshed", reply.getString("type"));
        assertEquals(renewed.getEpochSecond(), reply.getJsonNumber("exp").longValue());

        hub().closeExpired(first);
        hub().closeExpired(renewed.minusMillis(1));
        assertEquals(List.of(), connection.closures(), "the refreshed session outlives its first token");
        hub().closeExpired(renewed);
        assertEquals(List.of(Closure.TOKEN_EXPIRED), connection.closures(), "and ends at the new exp");
    }

    @Test
    void aRefusedRefreshIsAnsweredUnauthorizedAndTheOldDeadlineStillApplies() throws Exception {
        Instant exp = inSeconds(600);
        Instant later = inSeconds(3600);
        RecordingConnection connection = new RecordingConnection("192.0.2.1");
        Client ann = join(connection, "lobby", token(rooms(claims("ann", exp), "lobby")));
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("another subject", token(claims("mallory", later)));
        refused.put("wrong signature", sign(claims("ann", later), OTHER_SECRET));
        refused.put("room out of scope", token(rooms(claims("ann", later), "other")));
        refused.put("wrong audience", token(claims("ann", later).audience("someone-else")));
        refused.put("expired", token(claims("ann", inSeconds(-10))));
        refused.put("garbage", "not.a.jwt");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            connection.forget();
            hub().onFrame(ann, new Inbound.Refresh(bad.getValue()));
            JsonObject reply = connection.last();
            assertEquals("error", reply.getString("type"), bad.getKey());
            assertEquals("unauthorized", reply.getString("code"), bad.getKey());
            assertFalse(reply.getString("message").contains(bad.getValue()), "the token is never echoed");
            assertEquals(List.of(), connection.closures(), bad.getKey() + ": the connection stays open");
        }
        hub().closeExpired(exp);
        assertEquals(List.of(Closure.TOKEN_EXPIRED), connection.closures(), "the old deadline still applies");
    }

    @Test
    void refreshesCountAgainstTheRateLimit() throws Exception {
        config.put(Setting.RATE_PER_SECOND, "1");
        config.put(Setting.RATE_BURST, "1");
        RecordingConnection connection = new RecordingConnection("192.0.2.1");
        Client ann = join(connection, "lobby", token(claims("ann", inSeconds(600))));
        String renewal = token(claims("ann", inSeconds(3600)));
        hub().onFrame(ann, new Inbound.Refresh(renewal));
        assertEquals("refreshed", connection.last().getString("type"));
        hub().onFrame(ann, new Inbound.Refresh(renewal));
        assertEquals("rate_limited", connection.last().getString("code"));
    }

    @Test
    void withAuthenticationOffARefreshIsABadMessageAndSessionsNeverExpire() {
        config.remove(Setting.AUTH);
        RecordingConnection connection = new RecordingConnection("192.0.2.1");
        Client ann = hub().joinRoom(connection, "lobby", "ann", null);
        hub().onFrame(ann, new Inbound.Refresh("a.b.c"));
        JsonObject reply = connection.last();
        assertEquals("error", reply.getString("type"));
        assertEquals("bad_message", reply.getString("code"));
        assertEquals(TokenRefresh.AUTH_OFF, reply.getString("message"));
        hub().closeExpired(Instant.MAX);
        assertEquals(List.of(), connection.closures());
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private Client join(RecordingConnection connection, String room, String token) {
        Client client = hub().joinRoom(connection, room, null, verdict(token));
        assertNotNull(client, "join refused: " + connection.closures());
        return client;
    }

    /** What the configurator gets for a handshake that offers {@code token}. */
    private Verdict verdict(String token) {
        return hub().authenticate(Map.of("Sec-WebSocket-Protocol", List.of("herald.v1, herald.bearer." + token)));
    }

    /** Whole seconds, as a JWT's exp has them. */
    private static Instant inSeconds(long seconds) {
        return Instant.ofEpochSecond(Instant.now().getEpochSecond() + seconds);
    }

    private static JWTClaimsSet.Builder claims(String subject, Instant exp) {
        return new JWTClaimsSet.Builder().subject(subject).audience(AUDIENCE).expirationTime(Date.from(exp));
    }

    private static JWTClaimsSet.Builder rooms(JWTClaimsSet.Builder claims, String... rooms) {
        return claims.claim("rooms", List.of(rooms));
    }

    private static String token(JWTClaimsSet.Builder claims) throws JOSEException {
        return sign(claims, SECRET);
    }

    private static String sign(JWTClaimsSet.Builder claims, String secret) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    /** A connection that notes when it was closed, and lets a test wait for it. */
    private static final class TimedConnection extends RecordingConnection {

        final CountDownLatch closed = new CountDownLatch(1);
        volatile Instant closedAt;

        TimedConnection() {
            super("192.0.2.9");
        }

        @Override
        public synchronized void close(Closure closure) {
            closedAt = Instant.now();
            super.close(closure);
            closed.countDown();
        }
    }
}
