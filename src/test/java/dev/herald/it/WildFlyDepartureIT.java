package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Simultaneous departures in the packaged WAR on WildFly 39 (Undertow), and a lagging member's catch-up through
 * Undertow's batches.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyDepartureIT extends DepartureSuite {

    /** Publishers at the default rate limit's burst (40) each: 800 messages of 2 KB, 1.6 MB for the laggard. */
    private static final int PUBLISHERS = 20;
    private static final int MESSAGES_EACH = 40;

    // testable = false: the tests are WebSocket clients outside the server; nothing is added to the WAR.
    @Deployment(testable = false)
    static WebArchive herald() {
        return ContainerDeployment.packagedWar();
    }

    @ArquillianResource
    private URL deployed;

    @Override
    protected URI base() {
        return ContainerDeployment.webSocketBase(deployed);
    }

    /**
     * A member that stops reading while 800 messages arrive gets every one, in offset order, once it reads again:
     * its waiting frames were handed to Undertow in batches (the log names the path), and a batch keeps order.
     */
    @Test
    @Timeout(120)
    void aLaggingMemberCatchesUpInOrderThroughUndertowsBatches() throws Exception {
        URI room = base().resolve("rooms/catch-up");
        RawWebSocket laggard = RawWebSocket.open(URI.create(room + "?name=laggard"), null, 4096);
        List<HeraldClient> publishers = new ArrayList<>();
        try {
            assertTrue(laggard.read().text().contains("\"welcome\""));
            for (int p = 0; p < PUBLISHERS; p++) {
                HeraldClient publisher = HeraldClient.connect(URI.create(room + "?name=p" + p));
                publishers.add(publisher);
                expect(publisher, "welcome");
            }
            String filler = "b".repeat(2_000);
            for (int i = 0; i < MESSAGES_EACH; i++) {
                for (HeraldClient publisher : publishers) {
                    publisher.sendText(Frames.publish(i + ":" + filler));
                }
            }
            long received = 0;
            long lastOffset = 0;
            while (received < PUBLISHERS * MESSAGES_EACH) {
                JsonObject frame = Frames.json(laggard.read().text());
                if (frame.getString("type").equals("message")) {
                    long offset = frame.getJsonNumber("offset").longValue();
                    assertTrue(offset > lastOffset, "offset order: " + offset + " after " + lastOffset);
                    lastOffset = offset;
                    received++;
                } else {
                    assertEquals("joined", frame.getString("type"), frame.toString());
                }
            }
            // The log outlives deployments: only what this deployment wrote counts.
            String log = Files.readString(Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log"));
            int deployed = log.lastIndexOf("Deployed \"herald.war\"");
            assertTrue(deployed >= 0, "WildFly's log has this deployment");
            assertTrue(log.indexOf("a lagging client's frames are handed over in batches", deployed) > 0,
                    "WildFly's log names the batch path for this deployment");
        } finally {
            for (HeraldClient publisher : publishers) {
                publisher.close();
            }
            laggard.close();
        }
    }
}
