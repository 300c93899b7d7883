package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Standalone with {@code raw-frames=off}: every frame through the standard WebSocket API, the path Herald falls back
 * to where the runtime has no Tyrus raw frame access (WildFly runs the whole protocol suite on it).
 */
@Timeout(60)
class StandaloneStandardApiIT {

    @Test
    void roomsAndTheClassicChatWorkThroughTheStandardApi() throws Exception {
        try (StandaloneServer server = StandaloneFixture.start(Map.of(Setting.RAW_FRAMES, "off"))) {
            URI base = StandaloneFixture.base(server);
            try (HeraldClient ann = HeraldClient.connect(base.resolve("rooms/lobby?name=ann"));
                 HeraldClient bob = HeraldClient.connect(base.resolve("rooms/lobby?name=bob"));
                 HeraldClient classic = HeraldClient.connect(base)) {
                expect(ann, "welcome");
                expect(bob, "welcome");
                expect(ann, "joined");
                for (int i = 1; i <= 3; i++) {
                    ann.sendText(publish("m" + i));
                }
                for (int i = 1; i <= 3; i++) {
                    assertEquals(i, expect(bob, "message").getJsonNumber("offset").longValue());
                    assertEquals(i, expect(ann, "message").getJsonNumber("offset").longValue());
                }
                assertEquals(ProtocolSuite.JOIN, classic.nextText(Frames.WAIT));
                classic.sendText("hi");
                assertTrue(classic.nextText(Frames.WAIT).endsWith(") said: hi"));
            }
        }
    }
}
