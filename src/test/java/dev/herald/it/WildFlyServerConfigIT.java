package dev.herald.it;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * server-config/wildfly/herald.cli took effect in WildFly: the build ran it offline against the unpacked
 * server before starting it.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyServerConfigIT extends ServerConfigSuite {

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
