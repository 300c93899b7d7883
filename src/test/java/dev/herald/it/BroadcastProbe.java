package dev.herald.it;

import dev.herald.config.Setting;
import dev.herald.config.SettingsLoader;
import dev.herald.standalone.StandaloneServer;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A quick probe of broadcast cost, not a test: how long one room message takes to reach each of N local
 * subscribers, and the last of them. Run it with
 * {@code mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.herald.it.BroadcastProbe -Dexec.args="500 200"}.
 *
 * <p>It starts a standalone server on a free loopback port, connects N plain-socket subscribers (one reader
 * thread each, so the client side stays simple and fast) to one room, publishes M messages 20 ms apart from
 * the first subscriber (each carries its send time), and prints latency percentiles.
 */
public final class BroadcastProbe {

    private BroadcastProbe() {
    }

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Map<Setting, String> settings = Map.of(Setting.PORT, "0", Setting.RATE_PER_SECOND, "100000",
                Setting.RATE_BURST, "100000", Setting.MAX_CONNECTIONS_PER_ADDRESS, "100000",
                Setting.CONNECT_RATE_PER_ADDRESS, "1000000");
        try (StandaloneServer server = StandaloneServer.start(SettingsLoader.load(settings::get))) {
            URI room = URI.create(server.uri() + "rooms/probe");
            long[][] latencies = new long[messages][subscribers];
            AtomicLongArray lastArrival = new AtomicLongArray(messages);
            CountDownLatch done = new CountDownLatch(subscribers * messages);
            List<RawWebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                RawWebSocket socket = RawWebSocket.open(room, null, 0, 120_000);
                sockets.add(socket);
                int index = i;
                Thread reader = new Thread(() -> read(socket, index, latencies, lastArrival, done), "probe-" + i);
                reader.setDaemon(true);
                reader.start();
            }
            Thread.sleep(1_000); // let the join announcements settle before timing anything
            long[] sentAt = new long[messages];
            RawWebSocket speaker = sockets.get(0);
            for (int m = 0; m < messages; m++) {
                sentAt[m] = System.nanoTime();
                speaker.sendText("{\"type\":\"publish\",\"text\":\"" + m + ":" + sentAt[m] + ":" + "x".repeat(32) + "\"}");
                Thread.sleep(20);
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every delivery arrived: " + done.getCount() + " missing");
            }
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            long[] completion = new long[messages];
            for (int m = 0; m < messages; m++) {
                completion[m] = lastArrival.get(m) - sentAt[m];
            }
            Arrays.sort(completion);
            System.out.printf("subscribers=%d messages=%d deliveries=%d cores=%d%n", subscribers, messages, all.length,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("delivery latency     p50=%.2f ms  p99=%.2f ms  max=%.2f ms%n",
                    ms(all, 0.50), ms(all, 0.99), ms(all, 1.0));
            System.out.printf("reach all %d         p50=%.2f ms  p99=%.2f ms%n", subscribers,
                    ms(completion, 0.50), ms(completion, 0.99));
            for (RawWebSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void read(RawWebSocket socket, int index, long[][] latencies, AtomicLongArray lastArrival,
                             CountDownLatch done) {
        try {
            while (true) {
                String text = socket.read().text();
                long now = System.nanoTime();
                int start = text.indexOf("\"text\":\"");
                if (text.startsWith("{\"type\":\"message\"") && start >= 0) {
                    String[] parts = text.substring(start + 8).split(":", 3);
                    int message = Integer.parseInt(parts[0]);
                    latencies[message][index] = now - Long.parseLong(parts[1]);
                    lastArrival.accumulateAndGet(message, now, Math::max);
                    done.countDown();
                }
            }
        } catch (IOException ended) {
            // the probe closed the socket
        }
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
