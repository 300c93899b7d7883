package dev.herald.hub;

import dev.herald.admission.RateLimiter;
import dev.herald.config.HeraldSettings;
import dev.herald.delivery.Frame;
import dev.herald.protocol.Closure;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Inbound;
import dev.herald.protocol.Outbound;
import dev.herald.protocol.Utf8;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves what a connected client sends: classic lines, room frames (publish, presence, ping, refresh), binary data,
 * and WebSocket pings and pongs. Every one counts against the client's rate first, and a client that keeps going over
 * it is closed with 1008; a publish goes to the broker, and the sender hears its ack or why it failed.
 */
final class ClientFrames {

    private static final Logger LOG = Logger.getLogger(ClientFrames.class.getName());

    /** Closes a client with a closure unless it is already closing; {@code true} if this call did. */
    interface Closer {
        boolean close(Client client, Closure closure);
    }

    private final HeraldSettings settings;
    private final ClassicChat classic;
    private final Rooms rooms;
    private final TokenRefresh tokenRefresh;
    private final Listeners listeners;
    private final Activity activity;
    private final PingRounds pings;
    private final FrameCodec codec;
    private final Clock clock;
    private final Closer closer;
    /** Queues one frame for one client and starts its write. */
    private final BiConsumer<Client, Frame> sender;

    ClientFrames(HeraldSettings settings, ClassicChat classic, Rooms rooms, TokenRefresh tokenRefresh,
                 Listeners listeners, Activity activity, PingRounds pings, FrameCodec codec, Clock clock,
                 Closer closer, BiConsumer<Client, Frame> sender) {
        this.settings = settings;
        this.classic = classic;
        this.rooms = rooms;
        this.tokenRefresh = tokenRefresh;
        this.listeners = listeners;
        this.activity = activity;
        this.pings = pings;
        this.codec = codec;
        this.clock = clock;
        this.closer = closer;
        this.sender = sender;
    }

    /** Broadcasts {@code Client(n) said: text} to every classic client; over the rate it is dropped. */
    void classicText(Client client, String text) {
        if (Utf8.exceeds(text, settings.maxMessageBytes())) {
            closer.close(client, Closure.MESSAGE_TOO_BIG);
            return;
        }
        if (heardWithinRate(client)) {
            listeners.message(client, text);
            classic.say(client, text);
        }
    }

    /** Serves one decoded room frame: publish, presence, ping, refresh, or an error reply for a rejected one. */
    void onFrame(Client client, Inbound frame) {
        if (frame instanceof Inbound.TooBig) {
            closer.close(client, Closure.MESSAGE_TOO_BIG);
            return;
        }
        if (!heardWithinRate(client)) {
            String ref = frame instanceof Inbound.Publish publish ? publish.ref()
                    : frame instanceof Inbound.Ping ping ? ping.ref() : null;
            reply(client, new Outbound.Error(ErrorCode.RATE_LIMITED, "over the rate limit; not broadcast", ref));
            return;
        }
        if (frame instanceof Inbound.Publish publish) {
            listeners.message(client, publish.text());
            publish(client, publish);
        } else if (frame instanceof Inbound.PresenceRequest) {
            reply(client, new Outbound.Presence(client.room().name(), client.room().members()));
        } else if (frame instanceof Inbound.Ping ping) {
            reply(client, new Outbound.Pong(ping.ref()));
        } else if (frame instanceof Inbound.Refresh refresh) {
            reply(client, tokenRefresh.refresh(client, refresh));
        } else if (frame instanceof Inbound.Rejected rejected) {
            reply(client, new Outbound.Error(rejected.code(), rejected.message(), rejected.ref()));
        }
    }

    /** Publishes through the broker; the sender's ack (when it gave a ref) follows its own copy of the message. */
    private void publish(Client client, Inbound.Publish publish) {
        rooms.publish(client, publish.text(), publish.key(), clock.instant()).whenComplete((published, failure) -> {
            if (failure != null) {
                activity.brokerError();
                LOG.log(Level.FINE, "the broker refused a message for room " + client.room().name(), failure);
                reply(client, new Outbound.Error(ErrorCode.UNAVAILABLE, "the message could not be published; "
                        + "try again", publish.ref()));
            } else {
                activity.published();
                if (publish.ref() != null) {
                    reply(client, new Outbound.Ack(publish.ref(), published.offset()));
                }
            }
        });
    }

    /** Relays a binary frame to the client's room, the sender included. */
    void relayBinary(Client client, ByteBuffer data) {
        if (data.remaining() > settings.maxMessageBytes()) {
            closer.close(client, Closure.MESSAGE_TOO_BIG);
            return;
        }
        if (!heardWithinRate(client)) {
            reply(client, new Outbound.Error(ErrorCode.RATE_LIMITED, "over the rate limit; not relayed", null));
            return;
        }
        rooms.relay(client, data).whenComplete((relayed, failure) -> {
            if (failure != null) {
                activity.brokerError();
                LOG.log(Level.FINE, "the broker refused binary data for room " + client.room().name(), failure);
                reply(client, new Outbound.Error(ErrorCode.UNAVAILABLE, "the binary data could not be relayed; "
                        + "try again", null));
            }
        });
    }

    /**
     * A pong arrived. It counts against the client's rate; it shows the client alive only if it answers one of
     * Herald's own recent pings ({@link PingRounds}).
     */
    void pong(Client client, ByteBuffer payload) {
        if (withinRate(client, System.nanoTime()) && pings.answers(payload)) {
            client.heard(System.nanoTime());
        }
    }

    /**
     * The client sent a ping (where the runtime reports it: standalone, Payara, GlassFish). It counts against the rate
     * like any frame, and more strictly ({@link RateLimiter#admitAnswered}): the runtime queues a pong for every ping,
     * outside Herald's budget, so a ping flood ends in 1008 as soon as a burst's worth has been refused.
     */
    void pinged(Client client) {
        long now = System.nanoTime();
        client.heard(now);
        verdict(client, client.limiter.admitAnswered(now));
    }

    /** Counts a frame against the client's rate; closes it with 1008 once the abuse lasts too long. */
    private boolean heardWithinRate(Client client) {
        long now = System.nanoTime();
        client.heard(now);
        return withinRate(client, now);
    }

    /** Counts a frame against the client's rate without taking it as life (an unsolicited pong may not be). */
    private boolean withinRate(Client client, long now) {
        return verdict(client, client.limiter.admit(now));
    }

    /** Acts on the rate limiter's verdict: {@code true} if the frame may be served; closes 1008 on abuse. */
    private boolean verdict(Client client, RateLimiter.Verdict verdict) {
        return switch (verdict) {
            case ALLOW -> true;
            case LIMITED -> false;
            case ABUSE -> {
                closer.close(client, Closure.RATE_LIMIT_ABUSE);
                yield false;
            }
        };
    }

    private void reply(Client client, Outbound frame) {
        sender.accept(client, Frame.text(codec.encode(frame)));
    }
}
