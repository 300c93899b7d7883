import dev.herald.broker.Draft;
import dev.herald.broker.MemoryBroker;
import dev.herald.protocol.Member;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How much heap the memory broker's history takes when every room's history is full: ROOMS rooms, each with
 * history-size messages of 64-byte texts from 10 members, published as the hub publishes them (a fresh text and
 * timestamp per message). Prints the live heap after a full GC before and after, and the cost per message.
 *
 *   java -cp "target/classes:$(cat target/bench/herald.classpath)" bench/HistoryHeap.java [rooms] [history-size]
 */
public final class HistoryHeap {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static void main(String[] args) throws InterruptedException {
        int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryBroker broker = new MemoryBroker(size, 300, "heap");
        broker.start(published -> { });
        Member[] members = new Member[10];
        for (int i = 0; i < members.length; i++) {
            members[i] = new Member("heap-" + i, "member-" + i);
        }
        long before = liveHeap(memory);
        for (int room = 0; room < rooms; room++) {
            String name = "room-" + room;
            for (int n = 0; n < size; n++) {
                String text = String.format("%064d", (long) room * size + n); // 64 bytes, distinct
                broker.publish(name, new Draft(members[n % members.length], text, TIMESTAMP.format(Instant.now()), null));
            }
        }
        long after = liveHeap(memory);
        long messages = (long) rooms * size;
        System.out.printf("rooms %d, history-size %d, messages kept %d%n", rooms, size, messages);
        System.out.printf("live heap before %.1f MiB, after %.1f MiB: history %.1f MiB, %d bytes per message%n",
                before / 1048576.0, after / 1048576.0, (after - before) / 1048576.0, (after - before) / messages);
        broker.close();
    }

    private static long liveHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
