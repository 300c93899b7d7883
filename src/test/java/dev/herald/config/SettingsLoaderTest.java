package dev.herald.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks Herald's settings: the protocol.md §4 defaults, source precedence, flag parsing and validation. */
class SettingsLoaderTest {

    /** Every setting read as a whole number. */
    private static final Set<Setting> NUMERIC = Set.of(Setting.PORT, Setting.MAX_MESSAGE_BYTES,
            Setting.RATE_PER_SECOND, Setting.RATE_BURST, Setting.RATE_ABUSE_SECONDS, Setting.MAX_CONNECTIONS,
            Setting.MAX_CONNECTIONS_PER_ADDRESS, Setting.CONNECT_RATE_PER_ADDRESS, Setting.QUEUE_BYTES, Setting.PING_SECONDS, Setting.IDLE_SECONDS,
            Setting.HANDSHAKE_SECONDS, Setting.DRAIN_SECONDS, Setting.WRITER_THREADS, Setting.HISTORY_SIZE,
            Setting.HISTORY_SECONDS, Setting.RECOVERY_MAX);

    private static HeraldSettings load(Setting setting, String value) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        values.put(setting, value);
        return SettingsLoader.load(values::get);
    }

    // ---- defaults (protocol.md §4) ----------------------------------------------------------------

    @Test
    void aBurstOfTheLargestMessagesThatExceedsTheQueueIsNamed() {
        HeraldSettings settings = SettingsLoader.load(Map.of(Setting.QUEUE_BYTES, "1048576")::get);
        String warning = settings.burstExceedsQueue().orElseThrow();
        assertTrue(warning.contains("herald.rate-burst (40)") && warning.contains("herald.max-message-bytes (65536)")
                && warning.contains("herald.queue-bytes (1048576)") && warning.contains("2641920"), warning);
        assertTrue(SettingsLoader.load(Map.of(Setting.QUEUE_BYTES, "2641920")::get).burstExceedsQueue().isEmpty());
        assertTrue(SettingsLoader.load(Map.of(Setting.QUEUE_BYTES, "2641919")::get).burstExceedsQueue().isPresent());
        assertTrue(HeraldSettings.defaults().burstExceedsQueue().isEmpty(), "the defaults fit together");
    }

    @Test
    void defaultsMatchTheProtocol() {
        HeraldSettings settings = SettingsLoader.load(setting -> null);
        assertEquals("127.0.0.1", settings.host());
        assertEquals(9001, settings.port());
        assertEquals(65_536, settings.maxMessageBytes());
        assertEquals(20, settings.ratePerSecond());
        assertEquals(40, settings.rateBurst());
        assertEquals(3, settings.rateAbuseSeconds());
        assertEquals(10_000, settings.maxConnections());
        assertEquals(100, settings.maxConnectionsPerAddress());
        // Protocol 1.1 says 1 MiB; issue 13 (item 2) raised it so that the defaults fit together.
        assertEquals(4 * 1024 * 1024, settings.queueBytes());
        assertEquals(25, settings.pingSeconds());
        assertEquals(60, settings.idleSeconds());
        assertEquals(10, settings.drainSeconds());
        assertEquals(List.of(), settings.allowedOrigins());
        assertNull(settings.keystore());
        assertNull(settings.keystorePasswordFile());
        assertFalse(settings.tls());
    }

    @Test
    void heraldSettingsDefaultsEqualAnEmptyLoad() {
        assertEquals(SettingsLoader.load(setting -> null), HeraldSettings.defaults());
    }

    @Test
    void layeredLoadWithNothingSetGivesDefaults() {
        assertEquals(HeraldSettings.defaults(), SettingsLoader.load(Map.of(), Map.of(), Map.of(), name -> null));
    }

    // ---- precedence: flags > system properties > environment > fallback --------------------------

    @Test
    void flagWinsOverEverySource() {
        HeraldSettings settings = SettingsLoader.load(Map.of("port", "1001"), Map.of("herald.port", "1002"),
                Map.of("HERALD_PORT", "1003"), name -> name.equals("herald.port") ? "1004" : null);
        assertEquals(1001, settings.port());
    }

    @Test
    void systemPropertyWinsOverEnvironmentAndFallback() {
        HeraldSettings settings = SettingsLoader.load(Map.of(), Map.of("herald.port", "1002"),
                Map.of("HERALD_PORT", "1003"), name -> name.equals("herald.port") ? "1004" : null);
        assertEquals(1002, settings.port());
    }

    @Test
    void environmentWinsOverFallback() {
        HeraldSettings settings = SettingsLoader.load(Map.of(), Map.of(),
                Map.of("HERALD_PORT", "1003"), name -> name.equals("herald.port") ? "1004" : null);
        assertEquals(1003, settings.port());
    }

    @Test
    void fallbackIsAskedByPropertyName() {
        List<String> asked = new ArrayList<>();
        HeraldSettings settings = SettingsLoader.load(Map.of(), Map.of(), Map.of(), name -> {
            asked.add(name);
            return name.equals("herald.port") ? "1004" : null;
        });
        assertEquals(1004, settings.port());
        assertTrue(asked.contains("herald.max-message-bytes"), asked::toString);
    }

    @Test
    void multiWordKeysUseTheirOwnNameInEachLayer() {
        assertEquals(111, SettingsLoader.load(Map.of("max-message-bytes", "111"), Map.of(), Map.of(), n -> null)
                .maxMessageBytes());
        assertEquals(222, SettingsLoader.load(Map.of(), Map.of("herald.max-message-bytes", "222"), Map.of(),
                n -> null).maxMessageBytes());
        assertEquals(333, SettingsLoader.load(Map.of(), Map.of(), Map.of("HERALD_MAX_MESSAGE_BYTES", "333"),
                n -> null).maxMessageBytes());
    }

    @Test
    void layersAreMergedPerSetting() {
        HeraldSettings settings = SettingsLoader.load(Map.of("port", "1001"), Map.of("herald.host", "0.0.0.0"),
                Map.of("HERALD_IDLE_SECONDS", "90"), name -> name.equals("herald.ping-seconds") ? "5" : null);
        assertEquals(1001, settings.port());
        assertEquals("0.0.0.0", settings.host());
        assertEquals(90, settings.idleSeconds());
        assertEquals(5, settings.pingSeconds());
        assertEquals(40, settings.rateBurst());
    }

    @Test
    void systemPropertiesMapReflectsTheJvm() {
        String key = "herald.test.settings-loader-probe";
        System.setProperty(key, "probe");
        try {
            assertEquals("probe", SettingsLoader.systemProperties().get(key));
        } finally {
            System.clearProperty(key);
        }
    }

    // ---- parseFlags ---------------------------------------------------------------------------------

    @Test
    void parsesSpaceSeparatedFlags() {
        assertEquals(Map.of("port", "9002", "host", "0.0.0.0"),
                SettingsLoader.parseFlags("--port", "9002", "--host", "0.0.0.0"));
    }

    @Test
    void parsesEqualsFlags() {
        assertEquals(Map.of("port", "9002", "allowed-origins", "https://a.example,https://b.example"),
                SettingsLoader.parseFlags("--port=9002", "--allowed-origins=https://a.example,https://b.example"));
    }

    @Test
    void equalsFlagKeepsLaterEqualsSignsAndAllowsEmptyValue() {
        assertEquals(Map.of("keystore", "a=b.p12", "allowed-origins", ""),
                SettingsLoader.parseFlags("--keystore=a=b.p12", "--allowed-origins="));
    }

    @Test
    void noArgumentsGiveNoFlags() {
        assertEquals(Map.of(), SettingsLoader.parseFlags());
    }

    @Test
    void laterFlagWins() {
        assertEquals(Map.of("port", "2"), SettingsLoader.parseFlags("--port", "1", "--port=2"));
    }

    @Test
    void parsedFlagsFeedTheLoader() {
        HeraldSettings settings = SettingsLoader.load(SettingsLoader.parseFlags("--port=0", "--queue-bytes", "2048"),
                Map.of(), Map.of(), name -> null);
        assertEquals(0, settings.port());
        assertEquals(2048, settings.queueBytes());
    }

    @Test
    void unknownFlagIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.parseFlags("--no-such-setting", "1"));
        assertTrue(e.getMessage().contains("--no-such-setting"), e.getMessage());
    }

    @Test
    void unknownEqualsFlagIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.parseFlags("--prot=9001"));
        assertTrue(e.getMessage().contains("--prot"), e.getMessage());
    }

    @Test
    void flagWithoutValueIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.parseFlags("--host", "0.0.0.0", "--port"));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    @Test
    void bareArgumentIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.parseFlags("9001"));
        assertTrue(e.getMessage().contains("9001"), e.getMessage());
    }

    // ---- validation ---------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Setting.class, names = {"PORT", "MAX_MESSAGE_BYTES", "RATE_PER_SECOND", "RATE_BURST",
            "RATE_ABUSE_SECONDS", "MAX_CONNECTIONS", "MAX_CONNECTIONS_PER_ADDRESS", "CONNECT_RATE_PER_ADDRESS", "QUEUE_BYTES", "PING_SECONDS",
            "IDLE_SECONDS"})
    void nonNumberNamesTheProperty(Setting setting) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(setting, "12abc"));
        assertTrue(e.getMessage().contains(setting.property()), e.getMessage());
        assertTrue(e.getMessage().contains("12abc"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Setting.class, names = {"PORT", "MAX_MESSAGE_BYTES", "RATE_PER_SECOND", "RATE_BURST",
            "RATE_ABUSE_SECONDS", "MAX_CONNECTIONS", "MAX_CONNECTIONS_PER_ADDRESS", "CONNECT_RATE_PER_ADDRESS", "QUEUE_BYTES", "PING_SECONDS",
            "IDLE_SECONDS"})
    void negativeValueNamesTheProperty(Setting setting) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(setting, "-1"));
        assertTrue(e.getMessage().contains(setting.property()), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "PORT, 65536",
            "MAX_MESSAGE_BYTES, 15",
            "MAX_MESSAGE_BYTES, 67108865",
            "RATE_PER_SECOND, 0",
            "RATE_BURST, 0",
            "RATE_ABUSE_SECONDS, 0",
            "RATE_ABUSE_SECONDS, 3601",
            "MAX_CONNECTIONS, 0",
            "MAX_CONNECTIONS_PER_ADDRESS, 0",
            "CONNECT_RATE_PER_ADDRESS, 0",
            "QUEUE_BYTES, 1023",
            "PING_SECONDS, 0",
            "PING_SECONDS, 86401",
            "IDLE_SECONDS, 0",
    })
    void outOfRangeNamesTheProperty(Setting setting, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(setting, value));
        assertTrue(e.getMessage().contains(setting.property()), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void portErrorsNameHeraldPort() {
        IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
                () -> load(Setting.PORT, "nine"));
        assertTrue(notNumber.getMessage().contains("herald.port"), notNumber.getMessage());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> load(Setting.PORT, "70000"));
        assertTrue(tooBig.getMessage().contains("herald.port"), tooBig.getMessage());
    }

    @Test
    void overflowingNumberIsReportedNotWrapped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(Setting.QUEUE_BYTES, "99999999999"));
        assertTrue(e.getMessage().contains("herald.queue-bytes"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "PORT, 0",
            "PORT, 65535",
            "MAX_MESSAGE_BYTES, 16",
            "MAX_MESSAGE_BYTES, 67108864",
            "QUEUE_BYTES, 1024",
            "QUEUE_BYTES, 2147483647",
            "RATE_ABUSE_SECONDS, 3600",
            "IDLE_SECONDS, 86400",
    })
    void boundaryValuesAreAccepted(Setting setting, String value) {
        HeraldSettings settings = load(setting, value);
        int expected = Integer.parseInt(value);
        int actual = switch (setting) {
            case PORT -> settings.port();
            case MAX_MESSAGE_BYTES -> settings.maxMessageBytes();
            case QUEUE_BYTES -> settings.queueBytes();
            case RATE_ABUSE_SECONDS -> settings.rateAbuseSeconds();
            case IDLE_SECONDS -> settings.idleSeconds();
            default -> throw new AssertionError(setting);
        };
        assertEquals(expected, actual);
    }

    @Test
    void valuesAreTrimmed() {
        assertEquals(9002, load(Setting.PORT, " 9002 ").port());
        assertEquals("0.0.0.0", load(Setting.HOST, "  0.0.0.0\t").host());
    }

    // ---- allowed origins and paths ----------------------------------------------------------------

    @Test
    void allowedOriginsSplitOnCommasAndTrimSpaces() {
        assertEquals(List.of("https://a.example", "http://b.example:8080"),
                load(Setting.ALLOWED_ORIGINS, " https://a.example ,http://b.example:8080 ").allowedOrigins());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", ",", " , ,, "})
    void blankAllowedOriginsAreEmpty(String raw) {
        assertEquals(List.of(), load(Setting.ALLOWED_ORIGINS, raw).allowedOrigins());
    }

    @Test
    void emptyEntriesBetweenCommasAreSkipped() {
        assertEquals(List.of("https://a.example", "https://b.example"),
                load(Setting.ALLOWED_ORIGINS, "https://a.example,, ,https://b.example,").allowedOrigins());
    }

    @Test
    void starIsKeptAsAnEntry() {
        assertEquals(List.of("*"), load(Setting.ALLOWED_ORIGINS, "*").allowedOrigins());
    }

    @Test
    void allowedOriginsAreImmutableCopies() {
        List<String> source = new ArrayList<>(List.of("https://a.example"));
        HeraldSettings settings = HeraldSettings.defaults();
        HeraldSettings copy = new HeraldSettings(settings.host(), settings.port(), settings.maxMessageBytes(),
                settings.ratePerSecond(), settings.rateBurst(), settings.rateAbuseSeconds(),
                settings.maxConnections(), settings.maxConnectionsPerAddress(), settings.connectRatePerAddress(), settings.queueBytes(),
                settings.slowConsumerPolicies(), settings.pingSeconds(), settings.idleSeconds(), settings.handshakeSeconds(),
                settings.writerThreads(), settings.rawFrames(), settings.drainSeconds(), settings.metrics(), settings.apiKeyFile(), settings.historySize(), settings.historySeconds(),
                settings.recoveryMax(), settings.broker(), source, settings.auth(), null, null);
        source.add("https://b.example");
        assertEquals(List.of("https://a.example"), copy.allowedOrigins());
        assertThrows(UnsupportedOperationException.class, () -> copy.allowedOrigins().add("x"));
    }

    @Test
    void theBrokerIsMemoryUnlessRedisIsChosen() {
        assertFalse(HeraldSettings.defaults().broker().redis());
        BrokerSettings redis = load(Setting.BROKER, "redis").broker();
        assertTrue(redis.redis());
        assertEquals("redis://127.0.0.1:6379/0", redis.redisUrl().toString());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> load(Setting.BROKER, "kafka"));
        assertTrue(wrong.getMessage().contains("herald.broker"), wrong.getMessage());
    }

    @Test
    void aRedisUrlMustBeRedisOrRedissAndHoldNoPassword() {
        assertTrue(load(Setting.REDIS_URL, "rediss://cache.example:6380/2").broker().redisUrl().getScheme().equals("rediss"));
        assertEquals("ops", load(Setting.REDIS_URL, "redis://ops@10.0.0.5:6379/0").broker().redisUrl().getUserInfo());
        assertThrows(IllegalArgumentException.class, () -> load(Setting.REDIS_URL, "http://localhost:6379"));
        IllegalArgumentException leaked = assertThrows(IllegalArgumentException.class,
                () -> load(Setting.REDIS_URL, "redis://ops:s3cret-pass@10.0.0.5:6379/0"));
        assertFalse(leaked.getMessage().contains("s3cret-pass"), "the error must not echo the password");
        assertTrue(leaked.getMessage().contains("HERALD_REDIS_PASSWORD"), leaked.getMessage());
    }

    @Test
    void rawFramesIsOnOrOff() {
        assertTrue(HeraldSettings.defaults().rawFrames());
        assertFalse(load(Setting.RAW_FRAMES, "off").rawFrames());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> load(Setting.RAW_FRAMES, "yes"));
        assertTrue(wrong.getMessage().contains("herald.raw-frames must be on or off"), wrong.getMessage());
    }

    @Test
    void keystoreSetsTlsAndBlankMeansNone() {
        HeraldSettings tls = load(Setting.KEYSTORE, "server.p12");
        assertEquals(Path.of("server.p12"), tls.keystore());
        assertTrue(tls.tls());
        assertNull(load(Setting.KEYSTORE, "  ").keystore());
        assertEquals(Path.of("pw.txt"), load(Setting.KEYSTORE_PASSWORD_FILE, "pw.txt").keystorePasswordFile());
    }

    // ---- the Setting enum ---------------------------------------------------------------------------

    @Test
    void everySettingHasUniqueKeyPropertyAndEnvironmentVariable() {
        Set<String> keys = new HashSet<>();
        Set<String> properties = new HashSet<>();
        Set<String> variables = new HashSet<>();
        for (Setting setting : Setting.values()) {
            assertTrue(keys.add(setting.key()), "duplicate key " + setting.key());
            assertTrue(properties.add(setting.property()), "duplicate property " + setting.property());
            assertTrue(variables.add(setting.environmentVariable()), "duplicate env " + setting.environmentVariable());
        }
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void namesFollowTheDocumentedPattern(Setting setting) {
        assertTrue(setting.key().matches("[a-z]+(-[a-z]+)*"), setting.key());
        assertEquals("--" + setting.key(), setting.flag());
        assertEquals("herald." + setting.key(), setting.property());
        assertEquals("HERALD_" + setting.key().replace('-', '_').toUpperCase(Locale.ROOT),
                setting.environmentVariable());
        assertTrue(setting.environmentVariable().matches("HERALD_[A-Z_]+"), setting.environmentVariable());
        assertFalse(setting.description().isBlank(), setting + " has no description");
        assertEquals(setting, Setting.byKey(setting.key()));
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everyDefaultLoads(Setting setting) {
        // Setting the default explicitly must give the same settings as leaving it unset.
        assertEquals(HeraldSettings.defaults(), load(setting, setting.defaultValue()));
    }

    @Test
    void numericSettingsAreTheOnesValidatedAsNumbers() {
        for (Setting setting : Setting.values()) {
            if (!NUMERIC.contains(setting) && !Set.of(Setting.AUTH, Setting.SLOW_CONSUMER_POLICY,
                    Setting.SLOW_CONSUMER_POLICIES, Setting.RAW_FRAMES, Setting.METRICS, Setting.BROKER, Setting.REDIS_URL).contains(setting)) {
                load(setting, "not-a-number"); // text, list and path settings accept any text
            }
        }
    }

    @Test
    void slowConsumerPoliciesMatchRoomPatternsFirstMatchWins() {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        values.put(Setting.SLOW_CONSUMER_POLICY, "drop-oldest");
        values.put(Setting.SLOW_CONSUMER_POLICIES, "prices-*=conflate, *-feed=disconnect, news=drop-oldest");
        SlowConsumerPolicies policies = SettingsLoader.load(values::get).slowConsumerPolicies();
        assertEquals(SlowConsumerPolicy.CONFLATE, policies.forRoom("prices-eur"));
        assertEquals(SlowConsumerPolicy.DISCONNECT, policies.forRoom("main-feed"));
        assertEquals(SlowConsumerPolicy.DROP_OLDEST, policies.forRoom("news"));
        assertEquals(SlowConsumerPolicy.DROP_OLDEST, policies.forRoom("lobby"), "the default");
        assertEquals(SlowConsumerPolicy.DROP_OLDEST, policies.forRoom(null));
        assertEquals(SlowConsumerPolicy.DISCONNECT, HeraldSettings.defaults().slowConsumerPolicies().forRoom("x"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> load(Setting.SLOW_CONSUMER_POLICIES, "x=explode"));
        assertTrue(bad.getMessage().contains("herald.slow-consumer-policies"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> load(Setting.SLOW_CONSUMER_POLICY, "ignore"));
        assertThrows(IllegalArgumentException.class, () -> load(Setting.SLOW_CONSUMER_POLICIES, "no-equals"));
    }

    @Test
    void writerThreadsAreOnePerCoreByDefaultOrAsGiven() {
        assertEquals(Runtime.getRuntime().availableProcessors(), HeraldSettings.defaults().writerThreads());
        assertEquals(Runtime.getRuntime().availableProcessors(), load(Setting.WRITER_THREADS, "AUTO").writerThreads());
        assertEquals(0, load(Setting.WRITER_THREADS, "0").writerThreads());
        assertEquals(8, load(Setting.WRITER_THREADS, " 8 ").writerThreads());
        assertThrows(IllegalArgumentException.class, () -> load(Setting.WRITER_THREADS, "-1"));
        assertThrows(IllegalArgumentException.class, () -> load(Setting.WRITER_THREADS, "many"));
    }

    @Test
    void authIsNoneByDefaultAndOnlyNoneOrJwt() {
        assertFalse(HeraldSettings.defaults().auth().enabled());
        assertTrue(load(Setting.AUTH, "jwt").auth().enabled());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> load(Setting.AUTH, "basic"));
        assertTrue(error.getMessage().contains("herald.auth"), error.getMessage());
    }

    @Test
    void documentedExamplesOfNames() {
        assertEquals("herald.max-message-bytes", Setting.MAX_MESSAGE_BYTES.property());
        assertEquals("HERALD_MAX_MESSAGE_BYTES", Setting.MAX_MESSAGE_BYTES.environmentVariable());
        assertEquals("--max-message-bytes", Setting.MAX_MESSAGE_BYTES.flag());
        assertEquals("HERALD_PORT", Setting.PORT.environmentVariable());
        assertNull(Setting.byKey("nope"));
        assertNull(Setting.byKey("PORT"));
    }
}
