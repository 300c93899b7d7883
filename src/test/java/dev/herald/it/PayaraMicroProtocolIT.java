package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The protocol suite against the packaged WAR deployed to Payara Micro (Tyrus on Grizzly), through Arquillian. */
@ExtendWith(ArquillianExtension.class)
class PayaraMicroProtocolIT extends ProtocolSuite {

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
     * A documented difference (README, compatibility table): Herald closes the stalled client with 4000 as
     * everywhere, but Payara's Tyrus servlet writer closes the connection at once and cancels what is still
     * queued for it, the close frame included. The stalled client therefore sees its stream end (EOF or a
     * reset) before the end of the stream, not a 4000 close frame. The others are unaffected either way.
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
            // the documented Payara outcome: the connection was closed under the queued close frame
        }
        assertTrue(frames < messages, "the stalled client was cut off before the end: " + frames);
    }
}
