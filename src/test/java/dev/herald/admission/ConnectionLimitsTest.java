package dev.herald.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Checks the total and per-address connection caps, their release, and their behaviour under contention. */
class ConnectionLimitsTest {

    @Test
    void totalCapRefusesOneTooMany() {
        ConnectionLimits limits = new ConnectionLimits(3, 100);
        assertTrue(limits.tryAcquire("10.0.0.1"));
        assertTrue(limits.tryAcquire("10.0.0.2"));
        assertTrue(limits.tryAcquire("10.0.0.3"));
        assertFalse(limits.tryAcquire("10.0.0.4"));
        assertEquals(3, limits.total(), "a refused attempt takes nothing");
    }

    @Test
    void perAddressCapRefusesThatAddressOnly() {
        ConnectionLimits limits = new ConnectionLimits(100, 2);
        assertTrue(limits.tryAcquire("10.0.0.1"));
        assertTrue(limits.tryAcquire("10.0.0.1"));
        assertFalse(limits.tryAcquire("10.0.0.1"));
        assertTrue(limits.tryAcquire("10.0.0.2"), "another address has its own count");
        assertEquals(3, limits.total(), "a refused attempt takes nothing from the total");
    }

    @Test
    void releaseFreesTheSlot() {
        ConnectionLimits limits = new ConnectionLimits(2, 1);
        assertTrue(limits.tryAcquire("10.0.0.1"));
        assertTrue(limits.tryAcquire("10.0.0.2"));
        assertFalse(limits.tryAcquire("10.0.0.3"));
        assertFalse(limits.tryAcquire("10.0.0.1"));
        limits.release("10.0.0.1");
        assertEquals(1, limits.total());
        assertTrue(limits.tryAcquire("10.0.0.1"), "the address's slot is free again");
        limits.release("10.0.0.2");
        assertTrue(limits.tryAcquire("10.0.0.3"), "a total slot is free again");
        assertEquals(2, limits.total());
    }

    @Test
    void releasingEverythingReturnsToZero() {
        ConnectionLimits limits = new ConnectionLimits(10, 10);
        for (int i = 0; i < 5; i++) {
            assertTrue(limits.tryAcquire("10.0.0.1"));
        }
        for (int i = 0; i < 5; i++) {
            limits.release("10.0.0.1");
        }
        assertEquals(0, limits.total());
        for (int i = 0; i < 10; i++) {
            assertTrue(limits.tryAcquire("10.0.0.1"), "slot " + i);
        }
        assertFalse(limits.tryAcquire("10.0.0.1"));
    }

    @Test
    void nullAddressIsCountedAsUnknown() {
        assertEquals("unknown", ConnectionLimits.UNKNOWN_ADDRESS);
        ConnectionLimits limits = new ConnectionLimits(100, 2);
        assertTrue(limits.tryAcquire(null));
        assertTrue(limits.tryAcquire(ConnectionLimits.UNKNOWN_ADDRESS));
        assertFalse(limits.tryAcquire(null), "null and \"unknown\" share one per-address count");
        assertTrue(limits.tryAcquire("10.0.0.1"));
        limits.release(null);
        assertTrue(limits.tryAcquire(ConnectionLimits.UNKNOWN_ADDRESS));
    }

    @Test
    void concurrentAcquireNeverExceedsThePerAddressCap() throws Exception {
        // Eight threads share one address with a cap of 2; the total cap is out of the way.
        ConnectionLimits limits = new ConnectionLimits(1_000, 2);
        Contention result = contend(limits, new String[] {"10.0.0.1"}, 8, 5_000);
        assertTrue(result.maxPerAddress <= 2, "per address held " + result.maxPerAddress + " > 2");
        assertEquals(0, limits.total(), "every slot was given back");
        assertTrue(limits.tryAcquire("10.0.0.1"));
        assertTrue(limits.tryAcquire("10.0.0.1"));
        assertFalse(limits.tryAcquire("10.0.0.1"), "after the storm the per-address cap is intact");
    }

    @Test
    void concurrentAcquireNeverExceedsTheTotalCap() throws Exception {
        // Eight threads on four addresses (null among them) with a total cap of 3; per address is out of the way.
        ConnectionLimits limits = new ConnectionLimits(3, 1_000);
        Contention result = contend(limits, new String[] {"10.0.0.1", "10.0.0.2", "10.0.0.3", null}, 8, 5_000);
        assertTrue(result.maxTotal <= 3, "total held " + result.maxTotal + " > 3");
        assertEquals(0, limits.total(), "every slot was given back");
        assertTrue(limits.tryAcquire("10.0.0.1"));
        assertTrue(limits.tryAcquire(null));
        assertTrue(limits.tryAcquire("10.0.0.9"));
        assertFalse(limits.tryAcquire("10.0.0.4"), "after the storm the total cap is intact");
    }

    @Test
    void concurrentAcquireUnderBothCaps() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(3, 2);
        Contention result = contend(limits, new String[] {"10.0.0.1", null}, 8, 5_000);
        assertTrue(result.maxTotal <= 3, "total held " + result.maxTotal + " > 3");
        assertTrue(result.maxPerAddress <= 2, "per address held " + result.maxPerAddress + " > 2");
        assertEquals(0, limits.total(), "every slot was given back");
    }

    /** The most slots seen held at once, in total and for one address. */
    private record Contention(int maxTotal, int maxPerAddress) {
    }

    /**
     * Runs {@code threads} threads (assigned round-robin to {@code addresses}) that each acquire, hold
     * briefly and release {@code iterations} times, counting the slots held at once.
     */
    private static Contention contend(ConnectionLimits limits, String[] addresses, int threads, int iterations)
            throws InterruptedException {
        AtomicInteger held = new AtomicInteger();
        ConcurrentHashMap<String, AtomicInteger> heldPerAddress = new ConcurrentHashMap<>();
        AtomicInteger maxHeld = new AtomicInteger();
        AtomicInteger maxHeldPerAddress = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String address = addresses[t % addresses.length];
            AtomicInteger mine = heldPerAddress.computeIfAbsent(
                    address == null ? ConnectionLimits.UNKNOWN_ADDRESS : address, k -> new AtomicInteger());
            workers.add(new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < iterations; i++) {
                        if (!limits.tryAcquire(address)) {
                            Thread.yield();
                            continue;
                        }
                        admitted.incrementAndGet();
                        // Counted only while the slot is held, so these can never exceed a correct cap.
                        maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                        maxHeldPerAddress.accumulateAndGet(mine.incrementAndGet(), Math::max);
                        for (int spin = 0; spin < 20; spin++) {
                            Thread.yield(); // hold the slot a moment so other threads contend for it
                        }
                        mine.decrementAndGet();
                        held.decrementAndGet();
                        limits.release(address);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "limits-worker-" + t));
        }
        workers.forEach(Thread::start);
        start.countDown();
        assertTrue(done.await(20, TimeUnit.SECONDS), "workers finished");
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(admitted.get() > 0, "no thread was ever admitted");
        return new Contention(maxHeld.get(), maxHeldPerAddress.get());
    }
}
