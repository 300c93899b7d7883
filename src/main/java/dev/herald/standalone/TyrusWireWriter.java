package dev.herald.standalone;

import dev.herald.endpoint.WireWriter;
import dev.herald.delivery.Connection.SendCallback;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.core.TyrusRemoteEndpoint;
import org.glassfish.tyrus.core.TyrusWebSocket;

/**
 * Writes pre-framed bytes through Tyrus's {@code TyrusWebSocket.sendRawFrame}, the call Tyrus's own
 * {@code Session.broadcast} uses, so that a broadcast is framed once and a lagging client's waiting frames go
 * out in one socket write. The bytes take the same path as every other frame of the session (Tyrus's writer,
 * Grizzly's write queue, TLS when on), so their order with Tyrus's own control frames is kept.
 *
 * <p>Tyrus does not expose a session's {@code TyrusWebSocket}; it is read, once per write, from the remote
 * endpoint's field through a method handle made at start-up. If a Tyrus version lacks it, {@link #find()} is
 * empty and Herald sends every frame through the standard API instead.
 */
final class TyrusWireWriter implements WireWriter {

    private static final Logger LOG = Logger.getLogger(TyrusWireWriter.class.getName());

    private final MethodHandle webSocketOf;

    private TyrusWireWriter(MethodHandle webSocketOf) {
        this.webSocketOf = webSocketOf;
    }

    /** The writer, or empty (logged) when this Tyrus does not have what it needs. */
    static Optional<WireWriter> find() {
        try {
            Field field = TyrusRemoteEndpoint.class.getDeclaredField("webSocket");
            field.setAccessible(true);
            if (!TyrusWebSocket.class.isAssignableFrom(field.getType())) {
                throw new NoSuchFieldException("webSocket is a " + field.getType());
            }
            return Optional.of(new TyrusWireWriter(MethodHandles.lookup().unreflectGetter(field)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "this Tyrus has no raw frame access; every frame will be framed per recipient", e);
            return Optional.empty();
        }
    }

    @Override
    public void write(Session session, ByteBuffer frames, SendCallback done) {
        TyrusWebSocket socket;
        try {
            socket = (TyrusWebSocket) webSocketOf.invoke(session.getAsyncRemote());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot reach the session's Tyrus socket", e);
        }
        Future<?> written = socket.sendRawFrame(frames);
        if (!(written instanceof CompletableFuture<?> completion)) {
            throw new IllegalStateException("this Tyrus reports raw writes without a completion: " + written.getClass());
        }
        // Runs at once, on this thread, when the write already completed (the usual case with room in the socket).
        completion.whenComplete((frame, failure) -> done.completed(unwrap(failure)));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
