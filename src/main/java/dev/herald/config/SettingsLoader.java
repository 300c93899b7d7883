package dev.herald.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Builds {@link HeraldSettings} from layered sources (flags, system properties, environment, context
 * parameters), validating each value so that a typo fails at start-up with the key's name, not later.
 */
public final class SettingsLoader {

    private SettingsLoader() {
    }

    /**
     * Loads settings from one lookup that maps a {@link Setting} to its raw value, or {@code null} for the
     * default.
     */
    public static HeraldSettings load(Function<Setting, String> lookup) {
        Values values = new Values(lookup);
        return new HeraldSettings(
                values.text(Setting.HOST),
                values.integer(Setting.PORT, 0, 65_535),
                values.integer(Setting.MAX_MESSAGE_BYTES, 16, 64 * 1024 * 1024),
                values.integer(Setting.RATE_PER_SECOND, 1, 1_000_000),
                values.integer(Setting.RATE_BURST, 1, 1_000_000),
                values.integer(Setting.RATE_ABUSE_SECONDS, 1, 3_600),
                values.integer(Setting.MAX_CONNECTIONS, 1, 10_000_000),
                values.integer(Setting.MAX_CONNECTIONS_PER_ADDRESS, 1, 10_000_000),
                values.integer(Setting.CONNECT_RATE_PER_ADDRESS, 1, 10_000_000),
                values.integer(Setting.QUEUE_BYTES, 1_024, Integer.MAX_VALUE),
                SlowConsumerPolicies.parse(values.text(Setting.SLOW_CONSUMER_POLICY),
                        values.list(Setting.SLOW_CONSUMER_POLICIES), Setting.SLOW_CONSUMER_POLICIES.property()),
                values.integer(Setting.PING_SECONDS, 1, 86_400),
                values.integer(Setting.IDLE_SECONDS, 1, 86_400),
                values.integer(Setting.HANDSHAKE_SECONDS, 1, 3_600),
                writerThreads(values),
                values.onOff(Setting.RAW_FRAMES),
                values.integer(Setting.DRAIN_SECONDS, 0, 3_600),
                values.onOff(Setting.METRICS),
                values.path(Setting.API_KEY_FILE),
                values.integer(Setting.HISTORY_SIZE, 0, 1_000_000),
                values.integer(Setting.HISTORY_SECONDS, 1, 7 * 86_400),
                values.integer(Setting.RECOVERY_MAX, 0, 1_000_000),
                broker(values),
                values.list(Setting.ALLOWED_ORIGINS),
                auth(values),
                values.path(Setting.KEYSTORE),
                values.path(Setting.KEYSTORE_PASSWORD_FILE));
    }

    /**
     * The standard layering: flags win over system properties, which win over the environment, which wins
     * over {@code fallback} (context parameters in a container; nothing standalone).
     */
    public static HeraldSettings load(Map<String, String> flags, Map<String, String> systemProperties,
                                      Map<String, String> environment, UnaryOperator<String> fallback) {
        return load(setting -> firstNonNull(
                flags.get(setting.key()),
                systemProperties.get(setting.property()),
                environment.get(setting.environmentVariable()),
                fallback.apply(setting.property())));
    }

    /** The JVM's system properties as a map, for {@link #load(Map, Map, Map, UnaryOperator)}. */
    public static Map<String, String> systemProperties() {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().stringPropertyNames().forEach(name -> properties.put(name, System.getProperty(name)));
        return properties;
    }

    /**
     * Parses {@code --key value} and {@code --key=value} flags into a map keyed by setting key.
     *
     * @throws IllegalArgumentException for an unknown flag or a flag without a value
     */
    public static Map<String, String> parseFlags(String... args) {
        Map<String, String> flags = new HashMap<>();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; flags look like --port 9001");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (!rest.isEmpty()) {
                value = rest.remove(0);
            } else {
                throw new IllegalArgumentException("flag --" + name + " needs a value");
            }
            if (Setting.byKey(name) == null) {
                throw new IllegalArgumentException("unknown flag --" + name + "; --help lists them");
            }
            flags.put(name, value);
        }
        return flags;
    }

    /** {@code auto} is one per core; an explicit count is taken as it is. */
    private static int writerThreads(Values values) {
        if ("auto".equalsIgnoreCase(values.text(Setting.WRITER_THREADS))) {
            return Runtime.getRuntime().availableProcessors();
        }
        return values.integer(Setting.WRITER_THREADS, 0, 256);
    }

    private static BrokerSettings broker(Values values) {
        String kind = values.text(Setting.BROKER);
        if (!kind.equals("memory") && !kind.equals("redis")) {
            throw new IllegalArgumentException(Setting.BROKER.property() + " must be memory or redis, but was '" + kind + "'");
        }
        return BrokerSettings.of(kind.equals("redis"), values.text(Setting.REDIS_URL),
                values.path(Setting.REDIS_PASSWORD_FILE));
    }

    private static AuthSettings auth(Values values) {
        String mode = values.text(Setting.AUTH);
        if (!mode.equals("none") && !mode.equals("jwt")) {
            throw new IllegalArgumentException(Setting.AUTH.property() + " must be none or jwt, but was '" + mode + "'");
        }
        return new AuthSettings(mode.equals("jwt"), values.path(Setting.JWT_SECRET_FILE),
                values.path(Setting.JWT_PUBLIC_KEY_FILE), values.path(Setting.JWT_JWKS_FILE),
                blankToNull(values.text(Setting.JWT_ISSUER)), blankToNull(values.text(Setting.JWT_AUDIENCE)));
    }

    private static String blankToNull(String text) {
        return text.isEmpty() ? null : text;
    }

    private static String firstNonNull(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    /** Reads and validates raw values, naming the offending key in every error. */
    private record Values(Function<Setting, String> lookup) {

        String text(Setting setting) {
            String raw = lookup.apply(setting);
            return raw == null ? setting.defaultValue() : raw.trim();
        }

        int integer(Setting setting, int min, int max) {
            String raw = text(setting);
            try {
                int value = Integer.parseInt(raw);
                if (value < min || value > max) {
                    throw new IllegalArgumentException(
                            setting.property() + " must be between " + min + " and " + max + ", but was " + raw);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting.property() + " must be a whole number, but was '" + raw + "'", e);
            }
        }

        boolean onOff(Setting setting) {
            String raw = text(setting);
            if (!raw.equals("on") && !raw.equals("off")) {
                throw new IllegalArgumentException(setting.property() + " must be on or off, but was '" + raw + "'");
            }
            return raw.equals("on");
        }

        List<String> list(Setting setting) {
            return Arrays.stream(text(setting).split(","))
                    .map(String::trim)
                    .filter(item -> !item.isEmpty())
                    .toList();
        }

        Path path(Setting setting) {
            String raw = text(setting);
            return raw.isEmpty() ? null : Path.of(raw);
        }
    }
}
