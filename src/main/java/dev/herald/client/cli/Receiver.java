package dev.herald.client.cli;

import dev.herald.client.Frame;
import dev.herald.client.Connection;
import java.io.PrintStream;
import java.time.Duration;

/** Takes the next received frame, prints its line, and hands back what it meant. */
final class Receiver {

    private final Connection client;
    private final FramePrinter printer;
    private final PrintStream out;

    Receiver(Connection client, FramePrinter printer, PrintStream out) {
        this.client = client;
        this.printer = printer;
        this.out = out;
    }

    /** The next frame, printed, or {@code null} when none arrives within {@code wait}. */
    FramePrinter.Shown take(Duration wait) throws InterruptedException {
        Frame frame = client.next(wait);
        if (frame == null) {
            return null;
        }
        FramePrinter.Shown shown = printer.show(frame);
        if (shown.line() != null) {
            out.println(shown.line());
        }
        return shown;
    }

    /**
     * True once the connection has ended. Frames received before the end may still wait to be taken: the
     * client queues every frame before it records the close, so take with {@link Duration#ZERO} until none is
     * left.
     */
    boolean closed() {
        return client.closeStatus().isDone();
    }
}
