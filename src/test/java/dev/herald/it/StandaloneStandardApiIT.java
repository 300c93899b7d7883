package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
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
            // Each client is welcomed before the next connects: a handshake ends before @OnOpen has joined the
            // room, so two connections opened back to back may join in either order (bob first, and ann's welcome
            // already lists him instead of a joined).
            try (HeraldClient ann = HeraldClient.connect(base.resolve("rooms/lobby?name=ann"));
                 HeraldClient bob = connectAfter(expect(ann, "welcome"), base.resolve("rooms/lobby?name=bob"));
                 HeraldClient classic = HeraldClient.connect(base)) {
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

    private static HeraldClient connectAfter(JsonObject welcome, URI uri) throws Exception {
        assertEquals("welcome", welcome.getString("type"));
        return HeraldClient.connect(uri);
    }
}
