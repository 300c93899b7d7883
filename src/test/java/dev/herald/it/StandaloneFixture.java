package dev.herald.it;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import dev.herald.standalone.StandaloneServer;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** Starts a real standalone Herald on an ephemeral loopback port with the given settings overrides. */
final class StandaloneFixture {

    private StandaloneFixture() {
    }

    static StandaloneServer start(Map<Setting, String> overrides) throws IOException {
        Map<Setting, String> values = new HashMap<>(overrides);
        values.putIfAbsent(Setting.HOST, "127.0.0.1");
        values.putIfAbsent(Setting.PORT, "0");
        return StandaloneServer.start(SettingsLoader.load(values::get));
    }

    static URI base(StandaloneServer server) {
        return URI.create(server.uri());
    }
}
