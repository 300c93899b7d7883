package dev.herald.it;

import static dev.herald.it.Frames.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.client.CloseStatus;
import dev.herald.client.HeraldClient;
import dev.herald.hub.ClientInfo;
import dev.herald.hub.ServerControl;
import dev.herald.hub.ServerListener;
import dev.herald.standalone.StandaloneServer;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's Java server API example, on a real standalone server with real clients: the seed's callbacks
 * (listeners, which never hold up the engine), its commands, and each client's address.
 */
@Timeout(60)
class ServerControlExampleIT {

    /** What a listener heard, in order. */
    private static final class Recorder implements ServerListener {

        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void clientJoined(ClientInfo client) {
            events.add("joined " + client.endpoint() + " " + client.address());
        }

        @Override
        public void messageReceived(ClientInfo client, String text) {
            events.add("message " + client.id() + " " + text);
        }

        @Override
        public void clientLeft(ClientInfo client, int closeCode) {
            events.add("left " + client.id() + " " + closeCode);
        }

        String next() throws InterruptedException {
            String event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(event, "no event within " + WAIT);
            return event;
        }
    }

    @Test
    void theSeedsCallbacksAndCommandsWorkOnARunningServer() throws Exception {
        try (StandaloneServer server = StandaloneFixture.start(Map.of())) {
            URI base = StandaloneFixture.base(server);
            ServerControl control = server.control();
            Recorder recorder = new Recorder();
            control.addListener(recorder);
            try (HeraldClient ann = HeraldClient.connect(base)) {
                assertEquals(ProtocolSuite.JOIN, ann.nextText(WAIT));
                assertEquals("joined classic 127.0.0.1", recorder.next());
                ClientInfo annInfo = control.clients(null).toCompletableFuture().join().get(0);
                assertEquals("127.0.0.1", annInfo.address(), "each client's address");

                ann.sendText("hello");
                assertTrue(ann.nextText(WAIT).endsWith("said: hello"));
                assertEquals("message " + annInfo.id() + " hello", recorder.next());

                assertEquals(1, control.sendToAll("Hello, classic clients").toCompletableFuture().join());
                assertEquals("Hello, classic clients", ann.nextText(WAIT));
                assertTrue(control.send(annInfo.id(), "hi").toCompletableFuture().join());
                assertEquals("hi", ann.nextText(WAIT));
                assertFalse(control.send("424242", "nobody").toCompletableFuture().join());

                control.denyNewConnections();
                try (HeraldClient refused = HeraldClient.connect(base)) {
                    assertEquals(new CloseStatus(1013, "try again later"),
                            refused.closeStatus().get(WAIT.toSeconds(), TimeUnit.SECONDS));
                }
                control.allowNewConnections();
                try (HeraldClient bob = HeraldClient.connect(base)) {
                    assertEquals(ProtocolSuite.JOIN, bob.nextText(WAIT));
                    assertEquals(ProtocolSuite.JOIN, ann.nextText(WAIT));
                    assertEquals("joined classic 127.0.0.1", recorder.next());

                    control.disconnectClientsGracefully();
                    assertEquals(new CloseStatus(1001, "going away"),
                            ann.closeStatus().get(WAIT.toSeconds(), TimeUnit.SECONDS));
                    assertEquals(new CloseStatus(1001, "going away"),
                            bob.closeStatus().get(WAIT.toSeconds(), TimeUnit.SECONDS));
                }
                assertTrue(recorder.next().startsWith("left "));
                assertTrue(recorder.next().matches("left \\d+ 1001"));
            }

            control.shutdownGracefully();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean stopped = false;
            while (!stopped && System.nanoTime() < deadline) {
                try (HeraldClient late = HeraldClient.connect(base)) {
                    Thread.sleep(100); // polling for the listener to go away: there is no event to wait on here
                } catch (IOException refused) {
                    stopped = true;
                }
            }
            assertTrue(stopped, "shutdownGracefully stopped the server");
        }
    }

    @Test
    void aListenerThatBlocksOrThrowsNeverHoldsUpDeliveries() throws Exception {
        try (StandaloneServer server = StandaloneFixture.start(Map.of())) {
            URI base = StandaloneFixture.base(server);
            CountDownLatch release = new CountDownLatch(1);
            server.control().addListener(new ServerListener() {
                @Override
                public void messageReceived(ClientInfo client, String text) {
                    try {
                        release.await(); // a listener stuck on a slow database
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            server.control().addListener(new ServerListener() {
                @Override
                public void clientJoined(ClientInfo client) {
                    throw new IllegalStateException("a listener's bug");
                }
            });
            Recorder recorder = new Recorder();
            AutoCloseable registration = server.control().addListener(recorder);
            try (HeraldClient ann = HeraldClient.connect(base)) {
                assertEquals(ProtocolSuite.JOIN, ann.nextText(WAIT));
                assertEquals("joined classic 127.0.0.1", recorder.next(), "a throwing listener does not stop others");
                for (int i = 0; i < 10; i++) {
                    ann.sendText("m" + i);
                    assertTrue(ann.nextText(WAIT).endsWith("said: m" + i), "delivered while a listener blocks");
                }
                assertTrue(recorder.events.isEmpty(), "the listeners wait behind the blocked one, in order");
                release.countDown();
                for (int i = 0; i < 10; i++) {
                    assertTrue(recorder.next().endsWith(" m" + i));
                }
                registration.close();
                ann.sendText("unheard");
                assertTrue(ann.nextText(WAIT).endsWith("said: unheard"));
            }
            assertThrows(AssertionError.class, recorder::next, "an unregistered listener hears nothing more");
        }
    }
}
