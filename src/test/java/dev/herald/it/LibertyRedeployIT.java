package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import java.net.URI;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hub's lifecycle on Open Liberty: undeploying the WAR (the adapter removes it from dropins/, as a user would)
 * drains its clients with 1012, as standalone does on SIGTERM, and a redeployed WAR starts a new hub that serves
 * again. The drain proves the hub's shutdown ran: from the archive itself, rather than the expanded copy that
 * server-config/liberty/server.xml asks for, it could not load the classes it needed (README, Open Liberty).
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(120)
class LibertyRedeployIT {

    private static final String DEPLOYMENT = "herald";

    // managed = false: the test deploys and undeploys itself, through the Deployer.
    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive herald() {
        return ContainerDeployment.packagedWar();
    }

    @ArquillianResource
    private Deployer deployer;

    private boolean deployed;

    @AfterEach
    void undeployLeftovers() {
        if (deployed) {
            deployer.undeploy(DEPLOYMENT);
        }
    }

    @Test
    void undeployDrainsWith1012AndARedeployServesAgain() throws Exception {
        deploy();
        HeraldClient connected = HeraldClient.connect(base());
        assertEquals(ProtocolSuite.JOIN, connected.nextText(WAIT));

        undeploy();
        // Unlike WildFly (1001, before Herald's listener runs), Liberty leaves the sessions open for Herald's drain.
        assertEquals(new CloseStatus(1012, "service restart"), connected.awaitClose(WAIT),
                "the open connection is drained on undeploy");
        connected.close();

        deploy();
        try (HeraldClient again = HeraldClient.connect(base())) {
            assertEquals(ProtocolSuite.JOIN, again.nextText(WAIT), "the redeployed WAR serves again");
            again.sendText("back");
            assertTrue(again.nextText(WAIT).matches("Client\\(1\\) said: back"),
                    "a new hub numbers connections from 1 again");
        }
    }

    private void deploy() {
        deployer.deploy(DEPLOYMENT);
        deployed = true;
    }

    private void undeploy() {
        deployer.undeploy(DEPLOYMENT);
        deployed = false;
    }

    /** The test port that the build gave Liberty (src/test/liberty/arquillian-overrides.xml). */
    private static URI base() {
        return URI.create("ws://127.0.0.1:" + Integer.getInteger("liberty.http.port") + ContainerDeployment.CONTEXT);
    }
}
