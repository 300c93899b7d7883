package dev.herald.delivery;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reusable memory for batched writes, per thread that writes: a list to gather a batch's frames in, and a
 * buffer of {@link OutboundQueue#BATCH_BYTES} to copy them into. Without it, every batch would be a fresh list
 * and a fresh copy per recipient, and a burst of large messages would turn into gigabytes of garbage per second
 * (the benchmark's scenario (c) showed the peak heap growing eightfold).
 *
 * <p>A buffer is lent for one write and comes back only if that write completed before {@code send} returned,
 * which is the usual case: the bytes are then in the socket and nothing refers to the buffer any more. A write
 * that has to wait keeps its buffer, and the thread gets a new one.
 */
final class BatchScratch {

    /** One thread's scratch space. */
    private static final class Slot {
        private final List<Frame> frames = new ArrayList<>();
        private ByteBuffer buffer;
    }

    private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);

    /** This thread's list for gathering a batch, empty. Clear it before anything else can use this thread's. */
    List<Frame> frames() {
        List<Frame> frames = slots.get().frames;
        frames.clear();
        return frames;
    }

    /** This thread's buffer, cleared, or a new one if it is lent out. */
    ByteBuffer take() {
        Slot slot = slots.get();
        ByteBuffer buffer = slot.buffer;
        if (buffer == null) {
            return ByteBuffer.allocate(OutboundQueue.BATCH_BYTES);
        }
        slot.buffer = null;
        return buffer.clear();
    }

    /** Returns {@code buffer}, whose write has completed, to this thread. */
    void giveBack(ByteBuffer buffer) {
        Slot slot = slots.get();
        if (slot.buffer == null) {
            slot.buffer = buffer;
        }
    }
}
