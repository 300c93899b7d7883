package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.client.HeraldClient;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ArquillianExtension.class)
class PayaraMicroFlakeIT {
    @Deployment(testable = false)
    static WebArchive herald() {
        return ContainerDeployment.packagedWar();
    }

    @ArquillianResource
    private URL deployed;

    @Test
    void loop() throws Exception {
        URI base = ContainerDeployment.webSocketBase(deployed);
        Duration w = Duration.ofSeconds(5);
        for (int i = 0; i < 300; i++) {
            try (HeraldClient first = HeraldClient.connect(base)) {
                assertEquals(ProtocolSuite.JOIN, first.nextText(w), "own join " + i);
                JdkClient second = JdkClient.connect(base);
                assertEquals(ProtocolSuite.JOIN, second.next(w), "second own join " + i);
                assertEquals(ProtocolSuite.JOIN, first.nextText(w), "first sees second join " + i);
                second.close();
            }
        }
    }
}
