package dev.herald.endpoint;

import dev.herald.hub.Hub;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place where Herald keeps static mutable state: the hub of the application running in this class
 * loader, with how the runtime writes batches ({@link WireWriter}, {@link StandardBatches}). It exists because the container instantiates
 * {@link HeraldConfigurator} itself and cannot hand it the hub. A container gives each WAR its own class
 * loader, so each deployment has its own; standalone, one server runs per JVM at a time.
 */
public final class RunningHub {

    /**
     * @param wireWriter      writes pre-framed bytes where the runtime allows it, or {@code null} ({@code raw-frames}
     *                        off)
     * @param standardBatches hands over a batch of standard sends where the runtime allows it, or {@code null}
     */
    private record Running(Hub hub, WireWriter wireWriter, StandardBatches standardBatches, SessionCloser closer) {

        static Running of(Hub hub, boolean batchedWrites, SessionCloser closer) {
            return batchedWrites ? new Running(hub, new TyrusRawFrames(), new StandardBatches(), closer)
                    : new Running(hub, null, null, closer);
        }
    }

    private static final AtomicReference<Running> CURRENT = new AtomicReference<>();

    private RunningHub() {
    }

    /**
     * Standalone: sessions are closed on the calling thread.
     *
     * @param batchedWrites {@code raw-frames}: write a lagging client's frames together where the runtime allows it
     * @throws IllegalStateException when another hub is already running in this class loader
     */
    public static void install(Hub hub, boolean batchedWrites) {
        install(Running.of(hub, batchedWrites, SessionCloser.inline()));
    }

    /**
     * In a container: sessions are closed on threads of Herald's own ({@link SessionCloser}), which
     * {@link #uninstall} stops.
     *
     * @param batchedWrites {@code raw-frames}: write a lagging client's frames together where the runtime allows it
     * @throws IllegalStateException when another hub is already running in this class loader
     */
    public static void installInContainer(Hub hub, boolean batchedWrites) {
        SessionCloser closer = SessionCloser.threads();
        try {
            install(Running.of(hub, batchedWrites, closer));
        } catch (IllegalStateException e) {
            closer.close();
            throw e;
        }
    }

    private static void install(Running running) {
        if (!CURRENT.compareAndSet(null, running)) {
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

    /** How the running runtime takes a batch of standard sends, unless {@code raw-frames} is off. */
    static Optional<StandardBatches> standardBatches() {
        return Optional.ofNullable(CURRENT.get()).map(Running::standardBatches);
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
