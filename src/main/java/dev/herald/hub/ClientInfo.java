package dev.herald.hub;

/**
 * One connection as an operator sees it (the seed's per-client address, and the HTTP API's {@code GET /api/clients}).
 *
 * @param id          a classic client's number, or a room member's id
 * @param endpoint    {@value #CLASSIC} or {@value #ROOM}
 * @param room        its room, or {@code null} on the classic endpoint
 * @param name        its display name in the room, or {@code null} on the classic endpoint
 * @param address     the remote IP address, as the runtime sees it (behind a proxy, the proxy's)
 * @param connectedAt when it was admitted, ISO-8601 UTC
 */
public record ClientInfo(String id, String endpoint, String room, String name, String address, String connectedAt) {

    public static final String CLASSIC = "classic";
    public static final String ROOM = "room";
}
