package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The protocol suite against the packaged WAR deployed to GlassFish 7 (Tyrus on its servlet container), through Arquillian. */
@ExtendWith(ArquillianExtension.class)
class GlassFishProtocolIT extends ProtocolSuite {

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
     * The same documented difference as on Payara (README, compatibility table; PayaraMicroProtocolIT): Herald
     * closes the stalled client with 4000 as everywhere, but GlassFish's Tyrus servlet writer closes the
     * connection at once and cancels what is still queued for it, the close frame included. Measured here: the
     * stalled client's stream ends (EOF) before the end of the stream and before a close frame. The others are
     * unaffected either way: the suite has already checked that each of them got every message in order.
     */
    @Override
    protected void assertStalledClientWasCutOff(RawWebSocket stalled, int messages) throws Exception {
        long frames = 0;
        try {
            RawWebSocket.Received frame;
            while ((frame = stalled.read()).opcode() != RawWebSocket.OP_CLOSE) {
                frames++;
            }
            assertEquals(4000, frame.closeCode(), "if the close frame does get through, it says 4000");
        } catch (EOFException | SocketException ended) {
            // the GlassFish outcome measured here: the connection was closed under the queued close frame
        }
        assertTrue(frames < messages, "the stalled client was cut off before the end: " + frames);
    }
}
