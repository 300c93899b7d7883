package dev.herald.broker;

import dev.herald.protocol.Outbound;

/** A message in its room's order: the {@code message} frame as members receive it, and the epoch it belongs to. */
public record Published(String epoch, Outbound.Message message) {

    public String room() {
        return message.room();
    }

    public long offset() {
        return message.offset();
    }
}
