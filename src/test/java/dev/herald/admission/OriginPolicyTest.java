package dev.herald.admission;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks which browser origins may open a WebSocket: none, own hosts, the configured list, or all. */
class OriginPolicyTest {

    private static final Set<String> OWN_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "herald.internal");

    private final OriginPolicy ownOnly = new OriginPolicy(List.of(), OWN_HOSTS);

    @Test
    void missingOriginIsAllowed() {
        assertTrue(ownOnly.allows(null), "non-browser clients send no Origin");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://localhost",
            "http://localhost:9001",
            "https://localhost:8443",
            "http://127.0.0.1:9001",
            "https://herald.internal",
            "http://herald.internal:1234",
            "HTTP://LOCALHOST:9001",
            "http://Herald.Internal",
            "  http://localhost:9001  ",
    })
    void ownHostIsAllowedOnAnyPortAndScheme(String origin) {
        assertTrue(ownOnly.allows(origin), origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://[::1]:8080",
            "https://[::1]",
            "http://[0:0:0:0:0:0:0:1]:8080",
    })
    void ipv6OwnHostIsAllowed(String origin) {
        OriginPolicy policy = new OriginPolicy(List.of(), Set.of("::1", "0:0:0:0:0:0:0:1"));
        assertTrue(policy.allows(origin), origin);
    }

    @Test
    void ipv6OriginIsRefusedWhenNotOwn() {
        OriginPolicy policy = new OriginPolicy(List.of(), Set.of("localhost"));
        assertFalse(policy.allows("http://[::1]:8080"));
        assertFalse(ownOnly.allows("http://[2001:db8::1]:8080"));
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
        assertTrue(policy.allows("http://localhost:9001"), "own hosts stay allowed with a list");
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
    void forThisMachineAllowsLoopbackAndTheBindHost() {
        OriginPolicy policy = OriginPolicy.forThisMachine(List.of(), "Herald.Bind.Example");
        assertTrue(policy.allows("http://localhost:9001"));
        assertTrue(policy.allows("http://127.0.0.1:9001"));
        assertTrue(policy.allows("http://[::1]:9001"));
        assertTrue(policy.allows("https://herald.bind.example"));
        assertFalse(policy.allows("https://evil.example"));
    }
}
