package dev.herald.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.delivery.Frame;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A batch of standard sends: handed over with batching allowed, flushed once, reported once; and every runtime
 * but Undertow keeps one send at a time.
 */
class StandardBatchesTest {

    /** Records the calls a batch makes, in order, and keeps each send's handler for the test to complete. */
    private static final class RecordingRemote implements RemoteEndpoint.Async {
        final List<String> calls = new ArrayList<>();
        final List<SendHandler> handlers = new ArrayList<>();
        RuntimeException failSendNumber2;
        IOException failFlush;

        @Override public void sendText(String text, SendHandler handler) {
            send("text:" + text, handler);
        }

        @Override public void sendBinary(ByteBuffer data, SendHandler handler) {
            send("binary:" + StandardCharsets.UTF_8.decode(data), handler);
        }

        private void send(String what, SendHandler handler) {
            if (handlers.size() == 1 && failSendNumber2 != null) {
                throw failSendNumber2;
            }
            calls.add(what);
            handlers.add(handler);
        }

        @Override public void setBatchingAllowed(boolean allowed) {
            calls.add("batching " + allowed);
        }

        @Override public void flushBatch() throws IOException {
            calls.add("flush");
            if (failFlush != null) {
                throw failFlush;
            }
        }

        @Override public long getSendTimeout() { return 0; }
        @Override public void setSendTimeout(long timeout) { }
        @Override public Future<Void> sendText(String text) { throw new UnsupportedOperationException(); }
        @Override public Future<Void> sendBinary(ByteBuffer data) { throw new UnsupportedOperationException(); }
        @Override public Future<Void> sendObject(Object data) { throw new UnsupportedOperationException(); }
        @Override public void sendObject(Object data, SendHandler handler) { throw new UnsupportedOperationException(); }
        @Override public boolean getBatchingAllowed() { return false; }
        @Override public void sendPing(ByteBuffer data) { }
        @Override public void sendPong(ByteBuffer data) { }
    }

    /** What the batch reported: each call's failure, or "ok". */
    private final List<Object> reports = new ArrayList<>();
    private final RecordingRemote remote = new RecordingRemote();

    private void send(Frame... frames) {
        new StandardBatches().send(TestSessions.withAsyncRemote(remote), List.of(frames), failure -> reports.add(failure == null ? "ok" : failure));
    }

    @Test
    void aRuntimeOtherThanUndertowKeepsOneSendAtATime() {
        assertFalse(new StandardBatches().accepts(TestSessions.withAsyncRemote(remote)), "the fallback: no batches");
    }

    @Test
    void framesAreHandedOverInOrderWithBatchingAllowedThenFlushedOnce() {
        send(Frame.text("a"), Frame.binary(ByteBuffer.wrap("b".getBytes(StandardCharsets.UTF_8))), Frame.text("c"));
        assertEquals(List.of("batching true", "text:a", "binary:b", "text:c", "batching false", "flush"), remote.calls,
                "batching is off again before the flush, so that the runtime's own frames do not wait");
        remote.handlers.get(0).onResult(new SendResult());
        remote.handlers.get(1).onResult(new SendResult());
        assertEquals(List.of(), reports, "nothing is reported before the last frame is written");
        remote.handlers.get(2).onResult(new SendResult());
        assertEquals(List.of("ok"), reports);
    }

    @Test
    void theFirstFailureIsReportedOnceEveryFrameHasEnded() {
        send(Frame.text("a"), Frame.text("b"), Frame.text("c"));
        IOException reset = new IOException("reset");
        remote.handlers.get(0).onResult(new SendResult());
        remote.handlers.get(1).onResult(new SendResult(reset));
        assertEquals(List.of(), reports);
        remote.handlers.get(2).onResult(new SendResult(new IOException("later")));
        assertEquals(1, reports.size());
        assertSame(reset, reports.get(0));
    }

    @Test
    void aSendThatThrowsCountsTheRestAsFailedAndStillFlushes() {
        IllegalStateException closed = new IllegalStateException("session closed");
        remote.failSendNumber2 = closed;
        send(Frame.text("a"), Frame.text("b"), Frame.text("c"));
        assertEquals(List.of("batching true", "text:a", "batching false", "flush"), remote.calls);
        assertEquals(List.of(), reports, "the frame handed over has not ended yet");
        remote.handlers.get(0).onResult(new SendResult());
        assertEquals(1, reports.size());
        assertSame(closed, reports.get(0));
    }

    @Test
    void aFailedFlushIsReportedAtOnceAndOnlyOnce() {
        remote.failFlush = new IOException("broken pipe");
        send(Frame.text("a"), Frame.text("b"));
        assertEquals(1, reports.size(), "the frames handed over may never report: the failure is not left to them");
        assertSame(remote.failFlush, reports.get(0));
        remote.handlers.get(0).onResult(new SendResult());
        remote.handlers.get(1).onResult(new SendResult());
        assertEquals(1, reports.size());
    }

    @Test
    void aBatchOfOneIsStillFlushed() {
        send(Frame.text("only"));
        assertTrue(remote.calls.contains("flush"));
        remote.handlers.get(0).onResult(new SendResult());
        assertEquals(List.of("ok"), reports);
        assertNull(remote.failFlush);
    }
}
