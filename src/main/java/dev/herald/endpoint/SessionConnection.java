package dev.herald.endpoint;

import dev.herald.delivery.Connection;
import dev.herald.delivery.Frame;
import dev.herald.protocol.Closure;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A JSR 356 {@link Session} as the hub's {@link Connection}: asynchronous sends only, pre-framed writes when the
 * runtime has a {@link WireWriter}, else batches of standard sends where the runtime takes them
 * ({@link StandardBatches}).
 */
final class SessionConnection implements Connection {

    private final Session session;
    private final String remoteAddress;
    /** {@code null} when the runtime has none. */
    private final WireWriter wireWriter;
    /** {@code null} unless the runtime takes a batch of standard sends at once. */
    private final StandardBatches batches;
    private final SessionCloser closer;

    SessionConnection(Session session) {
        this(session, null, null, SessionCloser.inline());
    }

    SessionConnection(Session session, WireWriter wireWriter, StandardBatches batches, SessionCloser closer) {
        this.session = session;
        this.remoteAddress = RemoteAddresses.of(session);
        this.wireWriter = wireWriter;
        this.batches = batches;
        this.closer = closer;
    }

    /**
     * A connection for a newly opened session, with the running hub's wire writer if it can write to it, closed
     * the way the running hub's runtime needs ({@link SessionCloser}).
     */
    static SessionConnection opened(Session session) {
        WireWriter wireWriter = RunningHub.wireWriter().filter(writer -> writer.canWrite(session)).orElse(null);
        StandardBatches batches = wireWriter != null ? null
                : RunningHub.standardBatches().filter(standard -> standard.accepts(session)).orElse(null);
        return new SessionConnection(session, wireWriter, batches, RunningHub.closer());
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    /**
     * The session may close between the hub's decision to write and this call (the runtime then throws
     * IllegalStateException); that is reported as a failed write, like any other, not thrown at the caller,
     * which may be broadcasting on behalf of another client.
     */
    @Override
    public void sendText(String text, SendCallback done) {
        try {
            session.getAsyncRemote().sendText(text, handler(done));
        } catch (RuntimeException e) {
            done.completed(e);
        }
    }

    @Override
    public void sendBinary(ByteBuffer data, SendCallback done) {
        try {
            session.getAsyncRemote().sendBinary(data, handler(done));
        } catch (RuntimeException e) {
            done.completed(e);
        }
    }

    @Override
    public boolean writesWireFrames() {
        return wireWriter != null;
    }

    @Override
    public void sendWire(ByteBuffer frames, SendCallback done) {
        if (wireWriter == null) {
            throw new UnsupportedOperationException("no wire writer in this runtime");
        }
        try {
            wireWriter.write(session, frames, done);
        } catch (RuntimeException e) {
            done.completed(e);
        }
    }

    @Override
    public boolean writesBatches() {
        return batches != null;
    }

    @Override
    public int maxBatchFrames() {
        return batches != null ? StandardBatches.MAX_FRAMES : Integer.MAX_VALUE;
    }

    @Override
    public void sendBatch(List<Frame> frames, SendCallback done) {
        if (batches == null) {
            throw new UnsupportedOperationException("this runtime takes one send at a time");
        }
        batches.send(session, frames, done);
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public void sendPing(ByteBuffer payload, SendCallback done) {
        try {
            session.getAsyncRemote().sendPing(payload);
            done.completed(null);
        } catch (IOException | RuntimeException e) {
            done.completed(e);
        }
    }

    @Override
    public void close(Closure closure) {
        closer.close(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(closure.code()), closure.reason()));
    }

    private static SendHandler handler(SendCallback done) {
        return result -> done.completed(result.isOK() ? null : result.getException());
    }
}
