package dev.herald.api;

import dev.herald.delivery.Counters;
import dev.herald.delivery.LatencyHistogram;
import dev.herald.hub.Activity;
import dev.herald.hub.Hub;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Map;

/**
 * Herald's {@code /metrics} (protocol.md §9): every series read at scrape time from the counters the engine and the
 * hub keep anyway, so that nothing is added to a message's path; plus the process's CPU, heap and threads from the
 * JVM's standard management beans.
 */
final class MetricsReport {

    private MetricsReport() {
    }

    static String of(Hub hub) {
        Counters.Snapshot engine = hub.counters();
        Activity.Snapshot activity = hub.activity();
        PrometheusText text = new PrometheusText();

        text.family("herald_connections", "gauge", "Open WebSocket connections on this node.")
                .sample("herald_connections", hub.connectionCount(true), "endpoint", "classic")
                .sample("herald_connections", hub.connectionCount(false), "endpoint", "rooms");
        text.family("herald_connections_opened_total", "counter", "Connections admitted since start.")
                .sample("herald_connections_opened_total", activity.opened());
        text.family("herald_connections_closed_total", "counter",
                "Connections gone since start, by close code (Herald's own when Herald closed them).");
        for (Map.Entry<Integer, Long> closed : activity.closedByCode().entrySet()) {
            text.sample("herald_connections_closed_total", closed.getValue(), "code", Integer.toString(closed.getKey()));
        }
        text.family("herald_rooms", "gauge", "Rooms with members on this node.")
                .sample("herald_rooms", hub.roomCount());
        text.family("herald_messages_published_total", "counter", "Room messages published from this node.")
                .sample("herald_messages_published_total", activity.published());
        text.family("herald_deliveries_total", "counter", "Text and binary frames written to clients.")
                .sample("herald_deliveries_total", engine.deliveries());
        text.family("herald_bytes_sent_total", "counter", "Payload bytes of the frames written to clients.")
                .sample("herald_bytes_sent_total", engine.bytesOut());
        text.family("herald_slow_consumer_disconnects_total", "counter", "Clients closed with 4000 slow consumer.")
                .sample("herald_slow_consumer_disconnects_total", engine.slowDisconnects());
        text.family("herald_messages_dropped_total", "counter",
                "Messages dropped for lagging clients by the drop-oldest and conflate policies.")
                .sample("herald_messages_dropped_total", engine.drops());
        text.family("herald_queue_bytes_high_water", "gauge", "The largest outbound queue seen, in bytes.")
                .sample("herald_queue_bytes_high_water", engine.queueHighWaterBytes());
        latency(text, engine.latency());
        text.family("herald_recoveries_total", "counter", "Resumes, by whether the missed messages were recovered.")
                .sample("herald_recoveries_total", activity.recovered(), "result", "recovered")
                .sample("herald_recoveries_total", activity.notRecovered(), "result", "not_recovered");
        text.family("herald_broker_errors_total", "counter",
                "Requests the broker could not serve (Redis unreachable): publishes, relays, joins.")
                .sample("herald_broker_errors_total", activity.brokerErrors());
        text.family("herald_api_requests_total", "counter", "HTTP API requests answered, by method and status.");
        for (Map.Entry<Activity.ApiAnswer, Long> answered : activity.apiAnswers().entrySet()) {
            text.sample("herald_api_requests_total", answered.getValue(), "method", answered.getKey().method(),
                    "status", Integer.toString(answered.getKey().status()));
        }
        process(text);
        return text.toString();
    }

    private static void latency(PrometheusText text, LatencyHistogram.Snapshot latency) {
        String name = "herald_delivery_latency_seconds";
        text.family(name, "histogram",
                "From a message's fan-out on this node to the end of the write that carried it, one observation per write.");
        long cumulative = 0;
        long[] counts = latency.counts();
        for (int i = 0; i < LatencyHistogram.BOUNDS.length; i++) {
            cumulative += counts[i];
            text.sample(name + "_bucket", cumulative, "le", PrometheusText.number(LatencyHistogram.BOUNDS[i]));
        }
        cumulative += counts[counts.length - 1];
        text.sample(name + "_bucket", cumulative, "le", "+Inf");
        text.sample(name + "_sum", latency.sumSeconds());
        text.sample(name + "_count", cumulative);
    }

    private static void process(PrometheusText text) {
        Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        text.family("process_cpu_seconds_total", "counter", "CPU time of the whole process.")
                .sample("process_cpu_seconds_total", cpu.toNanos() / 1e9);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        text.family("jvm_memory_used_bytes", "gauge", "JVM memory in use.")
                .sample("jvm_memory_used_bytes", heap.getUsed(), "area", "heap");
        text.family("jvm_memory_max_bytes", "gauge", "JVM memory limit (-1: none).")
                .sample("jvm_memory_max_bytes", heap.getMax(), "area", "heap");
        text.family("jvm_threads_current", "gauge", "Live threads in the JVM.")
                .sample("jvm_threads_current", ManagementFactory.getThreadMXBean().getThreadCount());
    }
}
