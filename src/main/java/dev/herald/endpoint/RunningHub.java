package dev.herald.endpoint;

import dev.herald.hub.Hub;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place where Herald keeps static mutable state: the hub of the application running in this class
 * loader. It exists because the container instantiates {@link HeraldConfigurator} itself and cannot hand it
 * the hub. A container gives each WAR its own class loader, so each deployment has its own; standalone,
 * one server runs per JVM at a time.
 */
public final class RunningHub {

    private static final AtomicReference<Hub> CURRENT = new AtomicReference<>();

    private RunningHub() {
    }

    /** @throws IllegalStateException when another hub is already running in this class loader */
    public static void install(Hub hub) {
        if (!CURRENT.compareAndSet(null, hub)) {
            throw new IllegalStateException("a Herald hub is already running in this class loader");
        }
    }

    /** @throws IllegalStateException when no hub is running */
    public static Hub get() {
        Hub hub = CURRENT.get();
        if (hub == null) {
            throw new IllegalStateException("Herald is not started: no hub is running");
        }
        return hub;
    }

    /** The running hub, or empty while Herald starts or stops. */
    public static Optional<Hub> find() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Forgets {@code hub} if it is the running one. */
    public static void uninstall(Hub hub) {
        CURRENT.compareAndSet(hub, null);
    }
}
