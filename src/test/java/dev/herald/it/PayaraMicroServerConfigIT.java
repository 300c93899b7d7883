package dev.herald.it;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * server-config/payara/*.asadmin took effect in Payara Micro: the adapter boots Micro with them
 * (--prebootcommandfile, --postbootcommandfile; see arquillian.xml).
 */
@ExtendWith(ArquillianExtension.class)
class PayaraMicroServerConfigIT extends ServerConfigSuite {

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
