package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.HeraldClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hub's lifecycle in a container (architecture invariant 4): created once per deployment, closed on
 * undeploy with its heartbeat thread, and a redeployed WAR serves again. The server's threads are read
 * through WildFly's management API, so the check sees the server JVM, not the test's.
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(120)
class WildFlyRedeployIT {

    private static final String DEPLOYMENT = "herald";
    private static final String HEARTBEAT_THREAD = "herald-heartbeat-";

    // managed = false: the test deploys and undeploys itself, through the Deployer.
    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive herald() {
        return ContainerDeployment.packagedWar();
    }

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    private boolean deployed;

    @AfterEach
    void undeployLeftovers() {
        if (deployed) {
            deployer.undeploy(DEPLOYMENT);
        }
    }

    @Test
    void undeployStopsTheHubAndItsThreadAndARedeployServesAgain() throws Exception {
        deploy();
        List<String> first = heartbeatThreads();
        assertEquals(1, first.size(), "one hub, so one heartbeat thread, per deployment: " + first);
        HeraldClient connected = HeraldClient.connect(base());
        assertEquals(ProtocolSuite.JOIN, connected.nextText(WAIT));

        undeploy();
        // Hub.close() says goodbye to every client before the WAR goes away.
        assertEquals(1001, connected.awaitClose(WAIT).code(), "the open connection is closed on undeploy");
        connected.close();
        assertEquals(List.of(), awaitNoHeartbeatThread(), "no Herald thread survives the undeploy");

        deploy();
        List<String> second = heartbeatThreads();
        assertEquals(1, second.size(), "the redeployed WAR starts one new hub: " + second);
        assertNotEquals(first, second, "a new hub (new node id), not the old thread");
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

    private URI base() {
        // The web URI that the management API reports, i.e. http://127.0.0.1:8180 with the build's port offset.
        return URI.create("ws://127.0.0.1:" + management.getWebUri().getPort() + ContainerDeployment.CONTEXT);
    }

    /**
     * Waits, bounded, for the heartbeat threads to end. contextDestroyed() waits for the executor to
     * terminate, but a terminated worker can still be alive for an instant while it unwinds.
     */
    private List<String> awaitNoHeartbeatThread() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> threads = heartbeatThreads();
        while (!threads.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            threads = heartbeatThreads();
        }
        return threads;
    }

    /** The names of the server's live threads that Herald's heartbeat started. */
    private List<String> heartbeatThreads() throws IOException {
        ModelNode operation = Operations.createOperation("dump-all-threads",
                Operations.createAddress("core-service", "platform-mbean", "type", "threading"));
        operation.get("locked-monitors").set(false);
        operation.get("locked-synchronizers").set(false);
        ModelNode outcome = management.getControllerClient().execute(operation);
        assertTrue(Operations.isSuccessfulOutcome(outcome), () -> Operations.getFailureDescription(outcome).asString());
        List<ModelNode> threads = Operations.readResult(outcome).asList();
        assertTrue(threads.size() > 10, "the dump lists the server's threads: " + threads.size());
        return threads.stream()
                .map(thread -> thread.get("thread-name").asString())
                .filter(name -> name.startsWith(HEARTBEAT_THREAD))
                .sorted()
                .toList();
    }
}
