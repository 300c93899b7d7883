package dev.herald.it;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * server-config/liberty took effect in Open Liberty: the build made the server from its server.xml and jvm.options
 * (only the ports and the adapter's JMX connector are overridden; see arquillian.xml).
 */
@ExtendWith(ArquillianExtension.class)
class LibertyServerConfigIT extends ServerConfigSuite {

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
