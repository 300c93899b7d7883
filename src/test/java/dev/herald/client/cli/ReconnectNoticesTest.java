package dev.herald.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.client.CloseStatus;
import dev.herald.client.HandshakeRefusedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectNoticesTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRoomSaysWhyAndWhenItReconnectsAndHowItCameBack() {
        ReconnectNotices notices = new ReconnectNotices(err, true);
        notices.connected(URI.create("ws://h/rooms/a"), false);
        notices.reconnecting(Duration.ofMillis(1_250), new CloseStatus(1012, "service restart"), null, 1);
        notices.reconnecting(Duration.ofMillis(3_000), new CloseStatus(1012, "service restart"),
                new IOException("cannot connect to ws://h/rooms/a", new ConnectException("Connection refused")), 2);
        notices.connected(URI.create("ws://h/rooms/a"), true);
        notices.resumed(5);
        notices.resumed(1);
        notices.historyLost();
        assertEquals("""
                herald: 1012 service restart: the server is restarting; connect again; reconnecting in 1.3 s…
                herald: still no connection (Connection refused); reconnecting in 3.0 s… (attempt 2)
                herald: back: 5 missed messages recovered
                herald: back: 1 missed message recovered
                herald: back, but the room's history was lost
                """, printed().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void theClassicChatSaysItKeepsNoHistory() {
        ReconnectNotices notices = new ReconnectNotices(err, false);
        notices.reconnecting(Duration.ofMillis(600), new CloseStatus(1006, ""), null, 1);
        notices.connected(URI.create("ws://h/"), true);
        assertEquals("""
                herald: 1006 connection lost: the connection dropped without a close frame; reconnecting in 0.6 s…
                herald: back (the classic chat keeps no history)
                """, printed().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aRefusalIsSaidButAStoppingCloseIsLeftToTheSession() {
        ReconnectNotices notices = new ReconnectNotices(err, true);
        notices.gaveUp(new CloseStatus(1008, "unauthorized"), null);
        assertEquals("", printed(), "Interactive prints the close itself");
        notices.gaveUp(new CloseStatus(1012, "service restart"),
                new HandshakeRefusedException(403, "handshake with ws://h/rooms/a refused with HTTP 403", null));
        assertEquals("herald: reconnecting stopped: handshake with ws://h/rooms/a refused with HTTP 403\n",
                printed().replace(System.lineSeparator(), "\n"));
    }
}
