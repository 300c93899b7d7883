package dev.herald.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every setting is documented where users look: the README's table (with its default) and herald.env. */
class SettingDocumentationTest {

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file));
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void theReadmeTableHasARowWithTheDefault(Setting setting) throws IOException {
        String defaultCell = setting.defaultValue().isEmpty() ? "*(none)*" : "`" + setting.defaultValue() + "`";
        String row = "| `" + setting.key() + "` | " + defaultCell + " |";
        assertTrue(read("README.md").contains(row), "README.md lacks the row starting " + row);
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void theStandaloneEnvironmentFileListsIt(Setting setting) throws IOException {
        assertTrue(read("server-config/tyrus/herald.env").contains("#" + setting.environmentVariable() + "="),
                "server-config/tyrus/herald.env lacks " + setting.environmentVariable());
    }
}
