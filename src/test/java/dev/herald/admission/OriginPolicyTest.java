package dev.herald.admission;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks which browser origins may open a WebSocket: none, the server's own (scheme, host and port), the list, or all. */
class OriginPolicyTest {

    private static final Set<String> OWN_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "herald.internal");

    private final OriginPolicy ownOnly = serving(new OriginPolicy(List.of(), OWN_HOSTS), "http", 9001);

    private static OriginPolicy serving(OriginPolicy policy, String scheme, int port) {
        policy.serving(scheme, port);
        return policy;
    }

    @Test
    void missingOriginIsAllowed() {
        assertTrue(ownOnly.allows(null), "non-browser clients send no Origin");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://localhost:9001",
            "http://127.0.0.1:9001",
            "http://herald.internal:9001",
            "HTTP://LOCALHOST:9001",
            "http://Herald.Internal:9001",
            "  http://localhost:9001  ",
            "http://[::1]:9001",
    })
    void theServersOwnOriginIsAllowed(String origin) {
        assertTrue(ownOnly.allows(origin), origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://localhost",
            "http://localhost:3000",
            "https://localhost:9001",
            "ws://localhost:9001",
            "http://herald.internal:1234",
            "https://herald.internal",
            "http://[::1]:8080",
    })
    void anotherPortOrSchemeOnThisMachineIsRefused(String origin) {
        assertFalse(ownOnly.allows(origin), origin);
    }

    @Test
    void theSchemesDefaultPortIsTheOriginWithoutAPort() {
        OriginPolicy https = serving(new OriginPolicy(List.of(), OWN_HOSTS), "https", 443);
        assertTrue(https.allows("https://localhost"));
        assertTrue(https.allows("https://localhost:443"));
        assertFalse(https.allows("http://localhost"));
        OriginPolicy http = serving(new OriginPolicy(List.of(), OWN_HOSTS), "http", 80);
        assertTrue(http.allows("http://127.0.0.1"));
    }

    @Test
    void untilItKnowsItsPortTheServerHasNoOriginOfItsOwn() {
        // In a container: only the configured list.
        OriginPolicy container = new OriginPolicy(List.of("http://localhost:8080"), OWN_HOSTS);
        assertTrue(container.allows("http://localhost:8080"));
        assertFalse(container.allows("http://127.0.0.1:8080"));
        assertFalse(container.allows("http://localhost:9001"));
    }

    @Test
    void sameHostKeepsTheOldRuleOfAnySchemeAndPortOnThisMachine() {
        OriginPolicy policy = new OriginPolicy(List.of("Same-Host"), OWN_HOSTS);
        assertTrue(policy.allows("http://localhost:3000"));
        assertTrue(policy.allows("https://herald.internal"));
        assertTrue(policy.allows("http://[::1]:8080"));
        assertFalse(policy.allows("http://evil.example:3000"));
        assertFalse(policy.allows("http://127.0.0.2"));
    }

    @Test
    void ipv6OriginIsRefusedWhenNotOwn() {
        OriginPolicy policy = serving(new OriginPolicy(List.of(), Set.of("localhost")), "http", 8080);
        assertFalse(policy.allows("http://[::1]:8080"));
        assertFalse(ownOnly.allows("http://[2001:db8::1]:9001"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://evil.example",
            "http://evil.example:9001",
            "http://localhost.evil.example",
            "http://evil-localhost",
            "http://localhost@evil.example",
            "http://evil.example/localhost",
            "http://evil.example?host=localhost",
            "http://127.0.0.2",
            "http://herald.internal.evil.example",
    })
    void foreignOriginIsRefused(String origin) {
        assertFalse(ownOnly.allows(origin), origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "NULL", "", " ", "garbage", "not a uri", "http://", "http://exa mple.com",
            "://localhost", "localhost", "localhost:9001", "file:///etc/passwd", "%%%", "http://[::1"})
    void nullLiteralAndGarbageAreRefused(String origin) {
        assertFalse(ownOnly.allows(origin), origin);
    }

    @Test
    void exactListEntryIsAllowedCaseInsensitively() {
        OriginPolicy policy = new OriginPolicy(List.of("https://App.Example.com", "http://other.example:8080"), OWN_HOSTS);
        assertTrue(policy.allows("https://app.example.com"));
        assertTrue(policy.allows("HTTPS://APP.EXAMPLE.COM"));
        assertTrue(policy.allows("https://App.Example.com"));
        assertTrue(policy.allows("http://other.example:8080"));
        assertFalse(policy.allows("http://localhost:9001"), "this policy serves no origin of its own yet");
    }

    @Test
    void listEntriesMatchExactlyNotByHost() {
        OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com", "http://other.example:8080"), OWN_HOSTS);
        assertFalse(policy.allows("http://app.example.com"), "scheme differs");
        assertFalse(policy.allows("https://app.example.com:8443"), "port differs");
        assertFalse(policy.allows("http://other.example"), "port missing");
        assertFalse(policy.allows("https://evil.app.example.com"), "subdomain");
        assertFalse(policy.allows("https://app.example.com.evil.example"), "suffix");
    }

    @Test
    void starAllowsEveryOrigin() {
        OriginPolicy policy = new OriginPolicy(List.of("https://a.example", "*"), OWN_HOSTS);
        assertTrue(policy.allows("https://evil.example"));
        assertTrue(policy.allows("null"));
        assertTrue(policy.allows("garbage"));
        assertTrue(policy.allows(null));
    }

    @Test
    void starMustBeExplicit() {
        OriginPolicy policy = new OriginPolicy(List.of("https://*.example"), OWN_HOSTS);
        assertFalse(policy.allows("https://a.example"), "no wildcard matching inside an entry");
    }

    @Test
    void forThisMachineServesLoopbackAndTheBindHost() {
        OriginPolicy policy = serving(OriginPolicy.forThisMachine(List.of(), "Herald.Bind.Example"), "https", 9443);
        assertTrue(policy.allows("https://localhost:9443"));
        assertTrue(policy.allows("https://127.0.0.1:9443"));
        assertTrue(policy.allows("https://[::1]:9443"));
        assertTrue(policy.allows("https://herald.bind.example:9443"));
        assertFalse(policy.allows("http://herald.bind.example:9443"));
        assertFalse(policy.allows("https://evil.example:9443"));
    }
}
