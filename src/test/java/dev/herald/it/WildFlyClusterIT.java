package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.client.HeraldClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One cluster of two runtimes (protocol.md §7): the packaged WAR in WildFly and a standalone node, on the same
 * real Redis. A room's messages cross in both directions, and so do the classic endpoint's texts.
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(120)
class WildFlyClusterIT {

    private static RedisProcess redis;
    private static NodeProcess standalone;

    /**
     * The packaged WAR, configured as an operator would for a cluster: context parameters in a {@code web.xml}
     * (the WAR ships none). Redis is started here because the deployment needs its address.
     */
    @Deployment(testable = false)
    static WebArchive herald() throws Exception {
        redis = RedisProcess.start();
        return ContainerDeployment.packagedWar().setWebXML(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>herald.broker</param-name><param-value>redis</param-value></context-param>
                  <context-param><param-name>herald.redis-url</param-name><param-value>%s</param-value></context-param>
                </web-app>
                """.formatted(redis.url())));
    }

    @ArquillianResource
    private URL deployed;

    @AfterAll
    static void stop() throws Exception {
        if (standalone != null) {
            standalone.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static NodeProcess standalone() throws Exception {
        if (standalone == null) {
            standalone = NodeProcess.start("beside-wildfly", Map.of("broker", "redis", "redis-url", redis.url()),
                    Map.of());
        }
        return standalone;
    }

    @Test
    void aRoomMessageCrossesBetweenWildFlyAndAStandaloneNodeBothWays() throws Exception {
        String room = ProtocolSuite.newRoom();
        URI wildfly = ContainerDeployment.webSocketBase(deployed);
        try (HeraldClient ann = HeraldClient.connect(wildfly.resolve("rooms/" + room + "?name=ann"));
             HeraldClient bob = connectAfter(ann, standalone().uri().resolve("rooms/" + room + "?name=bob"))) {
            expect(bob, "welcome");
            assertEquals("bob", expect(ann, "joined").getJsonObject("member").getString("name"));

            ann.sendText(publish("from WildFly"));
            assertEquals("from WildFly", expect(bob, "message").getString("text"));
            assertEquals("from WildFly", expect(ann, "message").getString("text"));

            bob.sendText(publish("from standalone"));
            JsonObject atAnn = expect(ann, "message");
            assertEquals("from standalone", atAnn.getString("text"));
            assertEquals(2, atAnn.getJsonNumber("offset").longValue(), "one order across both runtimes");
        }
    }

    @Test
    void classicTextsCrossBetweenWildFlyAndAStandaloneNode() throws Exception {
        try (HeraldClient one = HeraldClient.connect(ContainerDeployment.webSocketBase(deployed))) {
            assertEquals(ProtocolSuite.JOIN, one.nextText(WAIT));
            try (HeraldClient two = HeraldClient.connect(standalone().uri())) {
                assertEquals(ProtocolSuite.JOIN, two.nextText(WAIT));
                assertEquals(ProtocolSuite.JOIN, one.nextText(WAIT));
                two.sendText("hi from standalone");
                String heard = one.nextText(WAIT);
                assertEquals(heard, two.nextText(WAIT));
                assertEquals(true, heard.endsWith(") said: hi from standalone"), heard);
                one.sendText("hi from WildFly");
                assertEquals(one.nextText(WAIT), two.nextText(WAIT));
            }
        }
    }

    /** Connects once {@code first} has been welcomed, so that the joins happen in a known order. */
    private static HeraldClient connectAfter(HeraldClient first, URI uri) throws Exception {
        expect(first, "welcome");
        return HeraldClient.connect(uri);
    }
}
