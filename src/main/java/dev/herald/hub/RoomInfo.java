package dev.herald.hub;

/**
 * One room as an operator sees it ({@code GET /api/rooms}).
 *
 * @param members its members, on every node
 * @param offset  its latest message's offset (0: none yet)
 * @param epoch   the epoch that offset belongs to
 */
public record RoomInfo(String room, int members, long offset, String epoch) {
}
