package dev.herald.broker;

/** A room's position: the epoch that names its unbroken history, and the offset of its latest message (0: none). */
public record RoomState(String epoch, long offset) {
}
