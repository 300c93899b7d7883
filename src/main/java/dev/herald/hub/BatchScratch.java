package dev.herald.hub;

import java.nio.ByteBuffer;

/**
 * Reusable memory for batched writes: one buffer of {@link OutboundQueue#BATCH_BYTES} per thread that writes.
 * Without it, every batch would be a fresh copy per recipient, and a burst of large messages would turn into
 * gigabytes of garbage per second (the benchmark's scenario (c) showed the heap peak doubling).
 *
 * <p>A buffer is lent for one write and comes back only if that write completed before {@code send} returned,
 * which is the usual case: the bytes are then in the socket and nothing refers to the buffer any more. A write
 * that has to wait keeps its buffer, and the thread gets a new one.
 */
final class BatchScratch {

    private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();

    /** This thread's buffer, cleared, or a new one if it is lent out. */
    ByteBuffer take() {
        ByteBuffer buffer = buffers.get();
        if (buffer == null) {
            return ByteBuffer.allocate(OutboundQueue.BATCH_BYTES);
        }
        buffers.remove();
        return buffer.clear();
    }

    /** Returns {@code buffer}, whose write has completed, to this thread. */
    void giveBack(ByteBuffer buffer) {
        if (buffers.get() == null) {
            buffers.set(buffer);
        }
    }
}
