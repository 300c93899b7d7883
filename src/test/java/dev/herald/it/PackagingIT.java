package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What `mvn package` ships: the WAR serves the page and carries no library but the JWT verifier (the container
 * provides the rest, and the CLI's picocli has no business there); the CLI jar carries the client and not the server.
 */
class PackagingIT {

    private static final Path WAR = Path.of("target", "herald.war");

    @Test
    void theWarHasThePageAtItsRootAndNeitherTheCliNorItsLibraries() throws IOException {
        try (ZipFile war = new ZipFile(WAR.toFile())) {
            for (String page : List.of("chat/index.html", "chat/app.js", "chat/style.css", "chat/favicon.svg")) {
                assertNotNull(war.getEntry(page), page + " is missing from the WAR");
            }
            // A welcome file at the root would answer WildFly's WebSocket upgrades of the classic endpoint.
            assertNull(war.getEntry("index.html"), "index.html at the WAR's root");
            assertNotNull(war.getEntry("WEB-INF/classes/dev/herald/endpoint/ClassicEndpoint.class"));
            // The libraries the WAR ships on purpose: Nimbus JOSE+JWT (authentication), and Lettuce with what it
            // needs (the Redis broker): Netty, Reactor, Reactive Streams, redis-authx-core and the SLF4J API.
            List<String> unwanted = war.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("WEB-INF/lib/") && !name.equals("WEB-INF/lib/")
                            && !name.matches("WEB-INF/lib/(nimbus-jose-jwt|lettuce-core|netty-[a-z-]+|reactor-core"
                                    + "|reactive-streams|redis-authx-core|slf4j-api)-[^/]+\\.jar")
                            || name.contains("picocli") || name.contains("slf4j-jdk14")
                            || name.startsWith("WEB-INF/classes/herald-web/")
                            || name.startsWith("WEB-INF/classes/dev/herald/client/cli/"))
                    .toList();
            assertEquals(List.of(), unwanted, "the WAR must carry only Herald's server, its JWT verifier, its Redis client and the page");
        }
    }

    @Test
    void theCliJarRunsItsMainClassWithTheClientButNotTheServer() throws IOException {
        try (JarFile jar = new JarFile(CliProcess.JAR.toFile())) {
            assertEquals("dev.herald.client.cli.HeraldCli", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            for (String needed : List.of("dev/herald/client/HeraldClient.class", "picocli/CommandLine.class",
                    "org/glassfish/tyrus/client/ClientManager.class",
                    "org/glassfish/tyrus/container/grizzly/client/GrizzlyClientContainer.class",
                    "org/eclipse/parsson/JsonProviderImpl.class")) {
                assertNotNull(jar.getEntry(needed), needed + " is missing from the CLI jar");
            }
            List<String> server = jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("dev/herald/hub/") || name.startsWith("dev/herald/standalone/")
                            || name.startsWith("org/glassfish/tyrus/server/") || name.startsWith("org/eclipse/yasson/")
                            || name.startsWith("herald-web/"))
                    .toList();
            assertEquals(List.of(), server, "the CLI jar must not carry the server");
        }
    }
}
