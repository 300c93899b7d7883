package dev.herald.broker;

import dev.herald.protocol.Outbound;
import java.util.List;

/**
 * What {@link Broker#history} read: the room's epoch and latest offset when it read, and the messages kept after
 * the offset asked for, oldest first. Older messages may have been evicted, so the first one need not follow
 * the offset asked for: the caller checks.
 */
public record History(String epoch, long latest, List<Outbound.Message> messages) {

    public History {
        messages = List.copyOf(messages);
    }
}
