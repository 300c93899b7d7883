/*
 * Summarises a JFR recording's CPU samples (jdk.ExecutionSample): where the server spends its time.
 *
 *   java bench/JfrHotSpots.java target/bench/herald-a.jfr [top]
 *
 * Prints these lists:
 * - self: the method on top of the stack (what the CPU was executing);
 * - total: every method on the stack, once per sample (what the time was spent under);
 * - packages: the top frame's package, grouping JDK, Grizzly, Tyrus, Yasson and Herald;
 * - threads: which threads the Java samples came from;
 * - native: jdk.NativeMethodSample frames that are work (socket writes), not waits (epoll, park);
 * - allocation: jdk.ObjectAllocationSample weight by class and by the first frame outside the JDK.
 * It is the same information as `jfr print --events jdk.ExecutionSample` aggregated, read through the JDK's
 * jdk.jfr.consumer API so no text output has to be parsed. JDK 17 alone, no dependencies.
 */

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

public class JfrHotSpots {

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java bench/JfrHotSpots.java RECORDING.jfr [top]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> nativeBusy = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        long allocBytes = 0;
        int samples = 0;
        int nativeSamples = 0;
        int idleNative = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.ObjectAllocationSample") && event.getStackTrace() != null
                    && !event.getStackTrace().getFrames().isEmpty()) {
                // weight: bytes this sample stands for. The first frame outside java.* says who asked.
                long weight = event.getLong("weight");
                allocBytes += weight;
                String cls = event.getClass("objectClass") == null ? "?" : event.getClass("objectClass").getName();
                allocByClass.merge(cls, weight, Long::sum);
                allocBySite.merge(firstNonJdk(event.getStackTrace().getFrames()), weight, Long::sum);
                continue;
            }
            boolean nativeSample = type.equals("jdk.NativeMethodSample");
            if (!type.equals("jdk.ExecutionSample") && !nativeSample) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            if (nativeSample) {
                // A thread in native code: waiting in epoll is idle, a socket write or read is work the CPU does.
                String topFrame = name(stack.getFrames().get(0));
                if (IDLE_NATIVE.stream().anyMatch(topFrame::startsWith)) {
                    idleNative++;
                    continue;
                }
                nativeBusy.merge(topFrame, 1, Integer::sum);
                nativeSamples++;
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            String first = name(frames.get(0));
            self.merge(first, 1, Integer::sum);
            packages.merge(pkg(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String n = name(frame);
                if (seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread, 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "%d samples of Java code (jdk.ExecutionSample) in %s%n", samples, args[0]);
        System.out.printf(Locale.ROOT, "%d samples of threads busy in native code (jdk.NativeMethodSample), "
                + "%d more idle in native waits (not counted)%n", nativeSamples, idleNative);
        print("self time (top of stack)", self, samples, top);
        print("total time (on the stack)", total, samples, top);
        print("top frame's package", packages, samples, 15);
        print("Java samples per thread", threads, samples, 10);
        print("busy native samples (share of Java samples)", nativeBusy, samples, 10);
        System.out.printf(Locale.ROOT, "%nallocation (jdk.ObjectAllocationSample): %.0f MiB sampled in all%n",
                allocBytes / 1048576.0);
        printBytes("allocated, by class", allocByClass, allocBytes, 10);
        printBytes("allocated, by the first frame outside java.*/jdk.*/sun.*", allocBySite, allocBytes, 15);
    }

    /** Native frames where a thread waits rather than works. */
    static final List<String> IDLE_NATIVE = List.of("sun.nio.ch.EPoll.wait", "jdk.internal.misc.Unsafe.park",
            "sun.nio.ch.Net.accept", "sun.nio.ch.Net.poll", "java.lang.Object.wait", "java.lang.Thread.sleep");

    static String firstNonJdk(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String n = name(frame);
            if (!n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun.")) {
                return n;
            }
        }
        return name(frames.get(0));
    }

    static void printBytes(String title, Map<String, Long> bytes, long total, int top) {
        System.out.printf("%n%s%n", title);
        bytes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f %%  %8.1f MiB  %s%n",
                        100.0 * e.getValue() / Math.max(1, total), e.getValue() / 1048576.0, e.getKey()));
    }

    static String name(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        if (m == null) {
            return "?";
        }
        return m.getType().getName() + "." + m.getName();
    }

    static String pkg(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        if (m == null) {
            return "?";
        }
        String type = m.getType().getName();
        String[] parts = type.split("\\.");
        int keep = Math.min(parts.length - 1, type.startsWith("org.glassfish.") || type.startsWith("dev.herald.") ? 4 : 2);
        return String.join(".", java.util.Arrays.copyOf(parts, Math.max(keep, 1)));
    }

    static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.printf("%n%s%n", title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f %%  %6d  %s%n",
                        100.0 * e.getValue() / Math.max(1, samples), e.getValue(), e.getKey()));
    }
}
