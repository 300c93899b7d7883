package dev.herald.endpoint;

import dev.herald.delivery.Connection.SendCallback;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes pre-framed bytes through Tyrus's {@code TyrusWebSocket.sendRawFrame}, the call Tyrus's own
 * {@code Session.broadcast} uses, wherever the runtime is Tyrus: standalone, Payara and GlassFish. A broadcast is
 * then framed once, a lagging client's waiting frames go out in one write, and Tyrus's per-send bookkeeping is
 * skipped: every {@code RemoteEndpoint} send re-arms the session's idle timer on the container's scheduled
 * executor, which on Payara is a managed executor that captures the application's context through
 * {@code ServiceLoader}, once per frame (issue 12's profile). The bytes take the same path as every other frame of
 * the session (Tyrus's writer, the transport's write queue, TLS when on), so their order with Tyrus's own control
 * frames is kept.
 *
 * <p>This is the one place where Herald reaches into a runtime's internals. Tyrus does not expose a session's
 * {@code TyrusWebSocket}: it is read from the remote endpoint's {@code webSocket} field. Both are looked up by
 * reflection on the session's own classes, so the WAR needs no Tyrus to compile or to load, once per class. Where
 * they are missing (WildFly's Undertow, another Tyrus), {@link #canWrite} is {@code false} and every frame goes
 * through the standard API, as with {@code raw-frames=off}.
 */
final class TyrusRawFrames implements WireWriter {

    private static final Logger LOG = Logger.getLogger(TyrusRawFrames.class.getName());
    private static final MethodType WEB_SOCKET_OF = MethodType.methodType(Object.class, Object.class);
    private static final MethodType SEND_RAW_FRAME = MethodType.methodType(Future.class, Object.class, ByteBuffer.class);

    /** How to reach the raw write from a remote endpoint of one class; both {@code null} when there is none. */
    private record Access(MethodHandle webSocketOf, MethodHandle sendRawFrame) {

        private static final Access NONE = new Access(null, null);

        boolean present() {
            return webSocketOf != null;
        }
    }

    private final ClassValue<Access> accessByRemoteClass = new ClassValue<>() {
        @Override
        protected Access computeValue(Class<?> remoteClass) {
            return find(remoteClass);
        }
    };
    /**
     * The remote classes whose write path has been logged. {@link ClassValue} may compute a class's value on several
     * threads at once (many sessions opening together), so logging there alone would repeat the line.
     */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    @Override
    public boolean canWrite(Session session) {
        return accessByRemoteClass.get(session.getAsyncRemote().getClass()).present();
    }

    @Override
    public void write(Session session, ByteBuffer frames, SendCallback done) {
        Object remote = session.getAsyncRemote();
        Access access = accessByRemoteClass.get(remote.getClass());
        if (!access.present()) {
            throw new UnsupportedOperationException("no raw frame access for " + remote.getClass().getName());
        }
        Future<?> written;
        try {
            Object webSocket = (Object) access.webSocketOf().invokeExact(remote);
            written = (Future<?>) access.sendRawFrame().invokeExact(webSocket, frames);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot write raw frames to " + remote.getClass().getName(), e);
        }
        if (!(written instanceof CompletableFuture<?> completion)) {
            throw new IllegalStateException("this Tyrus reports raw writes without a completion: " + written.getClass());
        }
        // Runs at once, on this thread, when the write already completed (the usual case with room in the socket).
        completion.whenComplete((frame, failure) -> done.completed(unwrap(failure)));
    }

    /** The field and method of Tyrus's shape on {@code remoteClass}, or {@link Access#NONE}; logged once per class. */
    private Access find(Class<?> remoteClass) {
        try {
            Field field = field(remoteClass, "webSocket");
            field.setAccessible(true);
            Method send = field.getType().getMethod("sendRawFrame", ByteBuffer.class);
            if (!Future.class.isAssignableFrom(send.getReturnType())) {
                throw new NoSuchMethodException("sendRawFrame returns " + send.getReturnType().getName());
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Access access = new Access(lookup.unreflectGetter(field).asType(WEB_SOCKET_OF),
                    lookup.unreflect(send).asType(SEND_RAW_FRAME));
            if (logged.add(remoteClass.getName())) {
                LOG.info(() -> "frames are written pre-framed, through " + field.getType().getName() + ".sendRawFrame");
            }
            return access;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (logged.add(remoteClass.getName())) {
                LOG.log(Level.INFO, "frames to " + remoteClass.getName() + " go through the standard WebSocket API: "
                        + "this runtime has no Tyrus raw frame access (" + e + ")");
            }
            return Access.NONE;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException notHere) {
                // declared higher up, if at all: keep looking
            }
        }
        throw new NoSuchFieldException(name + " in " + type.getName() + " or its superclasses");
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
