package dev.herald.it;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** Simultaneous departures in the packaged WAR on GlassFish 7 (Tyrus on its servlet container). */
@ExtendWith(ArquillianExtension.class)
class GlassFishDepartureIT extends DepartureSuite {

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

    /** Tyrus on this servlet container: see the suite, and README, Compatibility. */
    @Override
    protected boolean runtimeMayReopenALeaver() {
        return true;
    }
}
