package dev.herald.endpoint;

import dev.herald.hub.Hub;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place where Herald keeps static mutable state: the hub of the application running in this class
 * loader, with the runtime's {@link WireWriter} if it has one. It exists because the container instantiates
 * {@link HeraldConfigurator} itself and cannot hand it the hub. A container gives each WAR its own class
 * loader, so each deployment has its own; standalone, one server runs per JVM at a time.
 */
public final class RunningHub {

    private record Running(Hub hub, WireWriter wireWriter, SessionCloser closer) {
    }

    private static final AtomicReference<Running> CURRENT = new AtomicReference<>();

    private RunningHub() {
    }

    /** @throws IllegalStateException when another hub is already running in this class loader */
    public static void install(Hub hub) {
        install(hub, null);
    }

    /**
     * @param wireWriter writes pre-framed bytes in this runtime, or {@code null}
     * @throws IllegalStateException when another hub is already running in this class loader
     */
    public static void install(Hub hub, WireWriter wireWriter) {
        install(hub, wireWriter, SessionCloser.inline());
    }

    /**
     * In a container: sessions are closed on threads of Herald's own ({@link SessionCloser}), which
     * {@link #uninstall} stops.
     *
     * @param wireWriter writes pre-framed bytes in this runtime, or {@code null}
     * @throws IllegalStateException when another hub is already running in this class loader
     */
    public static void installInContainer(Hub hub, WireWriter wireWriter) {
        SessionCloser closer = SessionCloser.threads();
        try {
            install(hub, wireWriter, closer);
        } catch (IllegalStateException e) {
            closer.close();
            throw e;
        }
    }

    private static void install(Hub hub, WireWriter wireWriter, SessionCloser closer) {
        if (!CURRENT.compareAndSet(null, new Running(hub, wireWriter, closer))) {
            throw new IllegalStateException("a Herald hub is already running in this class loader");
        }
    }

    /** @throws IllegalStateException when no hub is running */
    public static Hub get() {
        return find().orElseThrow(() -> new IllegalStateException("Herald is not started: no hub is running"));
    }

    /** The running hub, or empty while Herald starts or stops. */
    public static Optional<Hub> find() {
        return Optional.ofNullable(CURRENT.get()).map(Running::hub);
    }

    /** The running runtime's wire writer, if it has one. */
    static Optional<WireWriter> wireWriter() {
        return Optional.ofNullable(CURRENT.get()).map(Running::wireWriter);
    }

    /** How the running hub's sessions are closed; inline when none is running. */
    static SessionCloser closer() {
        Running running = CURRENT.get();
        return running == null ? SessionCloser.inline() : running.closer();
    }

    /** Forgets {@code hub} if it is the running one, and stops its closing threads. */
    public static void uninstall(Hub hub) {
        Running running = CURRENT.get();
        if (running != null && running.hub() == hub && CURRENT.compareAndSet(running, null)) {
            running.closer().close();
        }
    }
}
