package dev.herald.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closes that wait (Open Liberty's, on a client that stopped reading) hold a bounded number of threads. */
@Timeout(30)
class SessionCloserTest {

    private static final CloseReason SLOW = new CloseReason(CloseReason.CloseCodes.getCloseCode(4000), "slow consumer");

    /** Sessions whose close waits until {@link #release} opens, as Liberty's does for a client that stopped reading. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> closing = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(5);
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    private Session waitingSession(String id) {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> {
                        closing.add(id);
                        threads.add(Thread.currentThread().getName());
                        release.await();
                        closed.countDown();
                        yield null;
                    }
                    case "getId" -> id;
                    case "toString" -> "session " + id;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void closesBeyondTheBoundWaitInLineForAThread() throws Exception {
        try (SessionCloser closer = SessionCloser.threads(2)) {
            for (int i = 0; i < 5; i++) {
                closer.close(waitingSession("s" + i), SLOW);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (closing.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200); // room for a third thread, if the bound did not hold
            assertEquals(List.of("s0", "s1"), closing.stream().sorted().toList(), "two closes wait, three are in line");
            release.countDown();
            assertTrue(closed.await(10, TimeUnit.SECONDS), "every close ran once threads were free");
            assertEquals(5, closing.size());
            assertEquals(2, threads.size(), "no thread beyond the bound: " + threads);
            assertTrue(threads.stream().allMatch(name -> name.startsWith("herald-closer-")), threads.toString());
        }
    }

    @Test
    void anInlineCloserClosesOnTheCallingThread() {
        release.countDown();
        SessionCloser.inline().close(waitingSession("s"), SLOW);
        assertEquals(List.of("s"), closing);
        assertEquals(Set.of(Thread.currentThread().getName()), threads);
    }

    @Test
    void stoppingInterruptsACloseStillWaiting() throws Exception {
        SessionCloser closer = SessionCloser.threads(2);
        closer.close(waitingSession("stuck"), SLOW);
        long started = System.nanoTime();
        closer.close();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis < 10_000, "stop waits about 2 s, then interrupts: " + tookMillis + " ms");
        assertEquals(5, closed.getCount(), "the stuck close was interrupted, not completed");
    }
}
