package dev.herald.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The seam into Tyrus's internals: it writes through a remote endpoint of Tyrus's shape (a {@code webSocket} field
 * whose type has {@code sendRawFrame(ByteBuffer)}), and falls back to the standard API for any other runtime.
 */
class TyrusRawFramesTest {

    /** Stands in for Tyrus's {@code TyrusWebSocket}: records raw writes, completes them as told. */
    public static final class RecordingSocket {
        final List<ByteBuffer> written = new ArrayList<>();
        Future<Object> answer = CompletableFuture.completedFuture(null);

        public Future<Object> sendRawFrame(ByteBuffer frames) {
            written.add(frames);
            return answer;
        }
    }

    /** A remote endpoint of no runtime in particular: nothing but the standard interface. */
    private static class PlainRemote implements RemoteEndpoint.Async {
        @Override public long getSendTimeout() { return 0; }
        @Override public void setSendTimeout(long timeout) { }
        @Override public void sendText(String text, SendHandler handler) { throw new UnsupportedOperationException(); }
        @Override public Future<Void> sendText(String text) { throw new UnsupportedOperationException(); }
        @Override public Future<Void> sendBinary(ByteBuffer data) { throw new UnsupportedOperationException(); }
        @Override public void sendBinary(ByteBuffer data, SendHandler handler) { throw new UnsupportedOperationException(); }
        @Override public Future<Void> sendObject(Object data) { throw new UnsupportedOperationException(); }
        @Override public void sendObject(Object data, SendHandler handler) { throw new UnsupportedOperationException(); }
        @Override public void setBatchingAllowed(boolean allowed) { }
        @Override public boolean getBatchingAllowed() { return false; }
        @Override public void flushBatch() { }
        @Override public void sendPing(ByteBuffer data) throws IOException { }
        @Override public void sendPong(ByteBuffer data) throws IOException { }
    }

    /** Tyrus's shape: the socket in a final field of a superclass, as in {@code TyrusRemoteEndpoint}. */
    private abstract static class TyrusShapedBase extends PlainRemote {
        final RecordingSocket webSocket;

        TyrusShapedBase(RecordingSocket webSocket) {
            this.webSocket = webSocket;
        }
    }

    private static final class TyrusShapedRemote extends TyrusShapedBase {
        TyrusShapedRemote(RecordingSocket webSocket) {
            super(webSocket);
        }
    }

    @Test
    void aRuntimeWithoutTyrusInternalsFallsBackToTheStandardApi() {
        TyrusRawFrames writer = new TyrusRawFrames();
        Session undertowLike = TestSessions.withAsyncRemote(new PlainRemote());
        assertFalse(writer.canWrite(undertowLike));
        assertThrows(UnsupportedOperationException.class,
                () -> writer.write(undertowLike, ByteBuffer.allocate(2), failure -> { }));
    }

    @Test
    void aTyrusShapedSessionGetsTheBytesAsTheyAreAndItsCompletion() {
        TyrusRawFrames writer = new TyrusRawFrames();
        RecordingSocket socket = new RecordingSocket();
        Session session = TestSessions.withAsyncRemote(new TyrusShapedRemote(socket));
        assertTrue(writer.canWrite(session));
        ByteBuffer frames = ByteBuffer.wrap(new byte[] {(byte) 0x81, 1, 'x'});
        AtomicReference<Throwable> result = new AtomicReference<>(new AssertionError("not completed"));
        writer.write(session, frames, result::set);
        assertEquals(1, socket.written.size());
        assertSame(frames, socket.written.get(0), "written as they are, not copied");
        assertNull(result.get(), "a completed write reports success");
    }

    @Test
    void aFailedRawWriteReportsItsCause() {
        TyrusRawFrames writer = new TyrusRawFrames();
        RecordingSocket socket = new RecordingSocket();
        IOException broken = new IOException("broken pipe");
        socket.answer = CompletableFuture.failedFuture(broken);
        AtomicReference<Throwable> result = new AtomicReference<>();
        writer.write(TestSessions.withAsyncRemote(new TyrusShapedRemote(socket)), ByteBuffer.allocate(2), result::set);
        assertSame(broken, result.get());
    }

    @Test
    void aRawWriteWithoutACompletionIsRefusedRatherThanLeftHanging() {
        TyrusRawFrames writer = new TyrusRawFrames();
        RecordingSocket socket = new RecordingSocket();
        socket.answer = new FutureTask<>(() -> null);
        assertThrows(IllegalStateException.class,
                () -> writer.write(TestSessions.withAsyncRemote(new TyrusShapedRemote(socket)), ByteBuffer.allocate(2), failure -> { }));
    }
}
