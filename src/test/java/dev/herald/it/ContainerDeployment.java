package dev.herald.it;

import java.io.File;
import java.net.URI;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * What the container ITs share: the packaged WAR as the deployment, and the WebSocket addresses of a
 * deployed Herald on 127.0.0.1.
 */
final class ContainerDeployment {

    /** The WAR's context root: its file name, herald.war. */
    static final String CONTEXT = "/herald/";

    private ContainerDeployment() {
    }

    /**
     * The WAR that `mvn package` built, unchanged: the containers must run exactly what ships, not an archive
     * assembled for the test. Failsafe runs after the package phase, with the project directory as working
     * directory.
     */
    static WebArchive packagedWar() {
        File war = new File("target/herald.war");
        if (!war.isFile()) {
            throw new IllegalStateException(war.getAbsolutePath() + " is missing: run the container ITs with mvn verify");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /**
     * The ws:// base for the HTTP URL that the adapter reports. The host is always 127.0.0.1, where the servers
     * listen: Payara Micro reports a host name (or the machine's primary address) there instead.
     */
    static URI webSocketBase(URL http) {
        String path = http.getPath().endsWith("/") ? http.getPath() : http.getPath() + "/";
        return URI.create("ws://127.0.0.1:" + http.getPort() + path);
    }

    /** The wss:// base on the TLS listener that the runtime's server-config script added. */
    static URI secureBase() {
        return URI.create("wss://127.0.0.1:" + Integer.getInteger("herald.it.https.port") + CONTEXT);
    }
}
