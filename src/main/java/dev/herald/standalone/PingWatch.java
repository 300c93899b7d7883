package dev.herald.standalone;

import dev.herald.endpoint.RunningHub;
import org.glassfish.tyrus.core.frame.TyrusFrame;
import org.glassfish.tyrus.core.monitoring.ApplicationEventListener;
import org.glassfish.tyrus.core.monitoring.EndpointEventListener;
import org.glassfish.tyrus.core.monitoring.MessageEventListener;

/**
 * Tells the hub of every ping a client sends. JSR 356 has no callback for pings (the runtime answers them by
 * itself, with a pong queued outside Herald's outbound budget), so a client could flood pings without limit; Tyrus's
 * monitoring listener reports each one, and the hub counts it against the client's rate (protocol.md: a flood ends in
 * 1008 {@code rate limit abuse}). The standalone server installs it on its own engine; in a Tyrus-based container
 * (Payara, GlassFish) the WAR's {@code web.xml} names it, and Tyrus's servlet integration creates it, so it must stay
 * public with a public no-argument constructor.
 */
public final class PingWatch implements ApplicationEventListener {

    @Override
    public void onApplicationInitialized(String applicationName) {
    }

    @Override
    public void onApplicationDestroyed() {
    }

    @Override
    public EndpointEventListener onEndpointRegistered(String endpointPath, Class<?> endpointClass) {
        return new EndpointEventListener() {
            @Override
            public MessageEventListener onSessionOpened(String sessionId) {
                return new MessageEventListener() {
                    @Override
                    public void onFrameSent(TyrusFrame.FrameType frameType, long payloadLength) {
                    }

                    @Override
                    public void onFrameReceived(TyrusFrame.FrameType frameType, long payloadLength) {
                        if (frameType == TyrusFrame.FrameType.PING) {
                            RunningHub.find().ifPresent(hub -> hub.pinged(sessionId));
                        }
                    }
                };
            }

            @Override
            public void onSessionClosed(String sessionId) {
            }

            @Override
            public void onError(String sessionId, Throwable error) {
            }
        };
    }

    @Override
    public void onEndpointUnregistered(String endpointPath) {
    }
}
