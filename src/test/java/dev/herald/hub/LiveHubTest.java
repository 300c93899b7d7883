package dev.herald.hub;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * What the hub's tests share: a real hub, started on first use from settings that a test may change before, and
 * closed after each test without a drain ({@code DrainTest} covers the drain).
 */
abstract class LiveHubTest {

    protected final Map<Setting, String> config = new EnumMap<>(Setting.class);
    private Hub hub;

    {
        config.put(Setting.DRAIN_SECONDS, "0");
    }

    @AfterEach
    void closeHub() {
        if (hub != null) {
            hub.close();
        }
    }

    protected Hub hub() {
        if (hub == null) {
            hub = Hub.start(SettingsLoader.load(config::get));
        }
        return hub;
    }
}
