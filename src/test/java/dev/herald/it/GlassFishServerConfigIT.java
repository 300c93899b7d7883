package dev.herald.it;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * server-config/glassfish took effect in GlassFish 7: the build ran bind-loopback.sh on the unpacked domain, and
 * the adapter ran herald.asadmin after starting it (postBootCommands; see arquillian.xml).
 */
@ExtendWith(ArquillianExtension.class)
class GlassFishServerConfigIT extends ServerConfigSuite {

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
}
