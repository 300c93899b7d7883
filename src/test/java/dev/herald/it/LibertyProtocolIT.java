package dev.herald.it;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The protocol suite against the packaged WAR deployed to Open Liberty (IBM's own WebSocket engine), through Arquillian. */
@ExtendWith(ArquillianExtension.class)
class LibertyProtocolIT extends ProtocolSuite {

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
     * Liberty drops the stalled client's close frame too (README, known differences): its Session.close waits for
     * the write in progress, the stalled client gets nothing more, and Liberty ends the connection itself, without a
     * close frame, when that write times out (measured: 30 s to a minute after the client stopped reading). The
     * suite's 15 s read timeout would end the wait first, so the stalled client waits up to a minute here.
     */
    @Override
    protected void assertStalledClientWasCutOff(RawWebSocket stalled, int messages) throws Exception {
        stalled.readTimeout(60_000);
        assertCutOffWithoutItsCloseFrame(stalled, messages);
    }
}
