package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, item 3: a standalone server at its process's open-files limit, in its own JVM started under
 * {@code prlimit}, with its classes in a directory (as {@code mvn exec:java} runs it, where every first use of a class
 * opens a file). It caps {@code max-connections} below the limit and says so; the WebSocket connections over the cap
 * get 1013, the TCP connections over the ceiling are closed at once; nothing spins; the log stays short; a member
 * who was there is served throughout; and once connections leave, new ones are served again.
 */
@Timeout(180)
class DescriptorCeilingIT {

    /** Low enough to reach with a few hundred sockets, high enough for the JVM's own jars and selectors. */
    private static final int OPEN_FILES_LIMIT = 1024;
    private static final Pattern CAPPED = Pattern.compile(
            "may open only (\\d+) files \\((\\d+) already open, (\\d+) kept .*serving at most (\\d+) connections");

    @Test
    void atTheOpenFilesLimitTheExcessIsRefusedCleanlyAndTheServerRecovers() throws Exception {
        Map<String, String> flags = Map.of(
                // Every client here comes from 127.0.0.1, quickly: only the descriptor ceiling may refuse them.
                "max-connections-per-address", "100000", "connect-rate-per-address", "100000");
        try (NodeProcess node = NodeProcess.start("ceiling", flags, Map.of(), List.of(),
                List.of("prlimit", "--nofile=" + OPEN_FILES_LIMIT + ":" + OPEN_FILES_LIMIT, "--"));
             Connections held = new Connections()) {
            Matcher capped = CAPPED.matcher(node.log());
            assertTrue(capped.find(), "no warning that max-connections was capped: " + node.log());
            assertEquals(OPEN_FILES_LIMIT, Integer.parseInt(capped.group(1)), capped.group());
            int served = Integer.parseInt(capped.group(4));
            int reserve = Integer.parseInt(capped.group(3));
            assertTrue(served >= 10, "too few connections left to test with: " + capped.group());
            long logLinesAtStart = node.log().lines().count();

            RawWebSocket member = RawWebSocket.open(room(node, "stays", "member"), null, 0, 10_000);
            assertEquals("welcome", Frames.json(member.read().text()).getString("type"));
            for (int i = 1; i < served; i++) {
                RawWebSocket idle = held.add(RawWebSocket.open(room(node, "idle-" + i, "c" + i), null, 0, 10_000));
                assertEquals("welcome", Frames.json(idle.read().text()).getString("type"), "connection " + i);
            }

            // Over max-connections: upgraded, then closed with the documented 1013 (protocol.md).
            for (int i = 0; i < 20; i++) {
                try (RawWebSocket excess = RawWebSocket.open(room(node, "excess", "x" + i), null, 0, 10_000)) {
                    RawWebSocket.Received close = excess.read();
                    assertEquals(RawWebSocket.OP_CLOSE, close.opcode(), "excess connection " + i);
                    assertEquals(1013, close.closeCode(), close.closeReason());
                }
            }

            // Silent TCP connections, as a flood of half-open sockets would be: past the ceiling they are closed at
            // once (the ones within it meet the handshake deadline later).
            int silent = reserve;
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < silent; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
                sockets.add(socket);
            }
            int closedAtOnce = 0;
            for (Socket socket : sockets) {
                socket.setSoTimeout(200);
                try {
                    closedAtOnce += socket.getInputStream().read() == -1 ? 1 : 0;
                } catch (SocketTimeoutException stillOpen) {
                    // within the ceiling: open until the handshake deadline, which is what the ceiling leaves room for
                } catch (IOException reset) {
                    closedAtOnce++;
                }
            }
            assertTrue(closedAtOnce >= silent / 2, closedAtOnce + " of " + silent + " silent sockets closed at once");

            // Full, and idle: the server spends (almost) no CPU. Before the ceiling, accept failed in a loop here.
            double cpuSeconds = cpuSeconds(node.pid(), 3);
            assertTrue(cpuSeconds < 0.5, "the server used " + cpuSeconds + " s of CPU in 3 s while full");

            member.sendText("{\"type\":\"publish\",\"text\":\"still served\"}");
            assertEquals("still served", Frames.json(member.read().text()).getString("text"));

            long grown = node.log().lines().count() - logLinesAtStart;
            assertTrue(grown <= 5, "the log grew by " + grown + " lines: " + node.log());

            // Recovery: once connections leave, new ones are served, with no restart.
            for (Socket socket : sockets) {
                socket.close();
            }
            held.closeHalf();
            for (int i = 0; i < 20; i++) {
                try (RawWebSocket again = RawWebSocket.open(room(node, "again-" + i, "a" + i), null, 0, 10_000)) {
                    assertEquals("welcome", Frames.json(again.read().text()).getString("type"), "new connection " + i);
                }
            }
            assertTrue(node.log().lines().noneMatch(line -> line.contains("NoClassDefFoundError")
                    || line.contains("Too many open files")), node.log());
            member.close();
        }
    }

    private static URI room(NodeProcess node, String room, String name) {
        return node.uri().resolve("rooms/" + room + "?name=" + name);
    }

    /** The CPU time (user and system) the process spends in the next {@code seconds}, from /proc. */
    private static double cpuSeconds(long pid, int seconds) throws IOException, InterruptedException {
        long before = cpuTicks(pid);
        TimeUnit.SECONDS.sleep(seconds); // the measurement window itself
        return (cpuTicks(pid) - before) / 100.0; // USER_HZ is 100 on Linux
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // Fields after the command name (which may hold spaces) start after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
    }

    /** The idle connections a test holds, closed at its end. */
    private static final class Connections implements AutoCloseable {

        private final List<RawWebSocket> open = new ArrayList<>();

        RawWebSocket add(RawWebSocket socket) {
            open.add(socket);
            return socket;
        }

        void closeHalf() throws IOException {
            List<RawWebSocket> half = new ArrayList<>(open.subList(0, open.size() / 2));
            for (RawWebSocket socket : half) {
                socket.close();
                open.remove(socket);
            }
        }

        @Override
        public void close() throws IOException {
            for (RawWebSocket socket : open) {
                socket.close();
            }
        }
    }
}
