package dev.herald.delivery;

/** Whatever a {@link Fanout} delivers to: something with one bounded outbound queue (a connected client). */
public interface Recipient {

    OutboundQueue queue();
}
