package dev.herald.delivery;

import dev.herald.config.SlowConsumerPolicy;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The delivery engine: it makes each connection's bounded outbound queue, starts the writes that a
 * {@link Fanout} collected (inline, or on its writer threads), and keeps the running {@link Counters}.
 */
public final class Delivery implements AutoCloseable {

    private final Writers writers;
    private final BatchScratch batchScratch = new BatchScratch();
    private final Counters counters = new Counters();

    /** @param writerThreads threads of the engine's own that write fan-outs; 0 writes on the caller's thread */
    public Delivery(int writerThreads, String nodeId) {
        this.writers = Writers.pooled(writerThreads, nodeId);
    }

    /**
     * A queue for {@code connection} with {@code budgetBytes} of frames and the given policy over it.
     *
     * @param dropReport makes the frame that tells the client how many frames were dropped; required unless
     *                   {@code policy} is {@code DISCONNECT}
     */
    public OutboundQueue newQueue(Connection connection, long budgetBytes, SlowConsumerPolicy policy,
                                  LongFunction<Frame> dropReport) {
        return new OutboundQueue(connection, budgetBytes, policy, dropReport, counters, batchScratch);
    }

    /** Starts the writes {@code fanout} collected and reports its overflowed recipients; call with no lock held. */
    public <R extends Recipient> void finish(Fanout<R> fanout, Consumer<R> slowConsumer) {
        fanout.finish(writers, slowConsumer);
    }

    public Counters counters() {
        return counters;
    }

    /** Lets the writes already handed over start, then stops the writer threads. */
    @Override
    public void close() {
        writers.close();
    }
}
