package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A standalone restart loses every room's history, and a resuming client is told so (protocol.md §6). */
@Timeout(60)
class StandaloneRestartIT {

    @Test
    void aRestartLosesTheHistoryAndSaysSoWithANewEpoch() throws Exception {
        StandaloneServer first = StandaloneFixture.start(Map.of(Setting.DRAIN_SECONDS, "0"));
        int port = URI.create(first.uri()).getPort();
        String room = ProtocolSuite.newRoom();
        String epoch;
        try (HeraldClient ann = HeraldClient.connect(URI.create(first.uri()).resolve("rooms/" + room + "?name=ann"))) {
            epoch = expect(ann, "welcome").getString("epoch");
            ann.sendText(publish("before the restart"));
            expect(ann, "message");
        } finally {
            first.close();
        }
        try (StandaloneServer second = StandaloneFixture.start(Map.of(Setting.PORT, Integer.toString(port)));
             HeraldClient back = HeraldClient.connect(
                     URI.create(second.uri()).resolve("rooms/" + room + "?name=ann&since=1&epoch=" + epoch))) {
            JsonObject welcome = expect(back, "welcome");
            assertFalse(welcome.getBoolean("recovered"));
            assertNotEquals(epoch, welcome.getString("epoch"));
            assertEquals(0, welcome.getJsonNumber("offset").longValue(), "the new epoch starts from nothing");
        }
    }
}
