package dev.herald.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API key: where it comes from, its minimum length, and which {@code Authorization} headers it accepts. */
class ApiKeyTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void noFileAndNoVariableMeansNoApi() {
        assertTrue(ApiKey.configured(SettingsLoader.load(setting -> null), null).isEmpty());
        assertTrue(ApiKey.configured(SettingsLoader.load(setting -> null), "  ").isEmpty());
    }

    @Test
    void theVariableIsUsedWhenNoFileIsConfigured() {
        ApiKey key = ApiKey.configured(SettingsLoader.load(setting -> null), KEY).orElseThrow();
        assertTrue(key.accepts("Bearer " + KEY));
        assertTrue(key.accepts("bearer " + KEY), "the scheme is case-insensitive (RFC 9110)");
        assertFalse(key.accepts("Bearer " + KEY.substring(1)));
        assertFalse(key.accepts("Bearer " + KEY + "x"));
        assertFalse(key.accepts(KEY));
        assertFalse(key.accepts("Basic " + KEY));
        assertFalse(key.accepts(null));
        assertFalse(key.toString().contains(KEY), "never printed");
    }

    @Test
    void theFileWinsOverTheVariableAndIsTrimmed(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("key"), "  " + KEY + "\n");
        ApiKey key = ApiKey.configured(SettingsLoader.load(Map.of(Setting.API_KEY_FILE, file.toString())::get),
                "another-key-from-the-environment-0123").orElseThrow();
        assertTrue(key.accepts("Bearer " + KEY));
        assertFalse(key.accepts("Bearer another-key-from-the-environment-0123"));
    }

    @Test
    void aKeyShorterThan32BytesIsRefusedWithoutEchoingIt() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiKey.configured(SettingsLoader.load(setting -> null), "too-short-1234567890"));
        assertTrue(refused.getMessage().contains("at least 32 bytes"));
        assertFalse(refused.getMessage().contains("too-short-1234567890"));
    }
}
