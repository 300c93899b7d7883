package dev.herald.auth;

import java.time.Instant;
import java.util.Set;

/**
 * Who a verified token says the client is, and until when: {@code name} from {@code sub}, the rooms it may join
 * from the {@code rooms} claim ({@code null} when the claim is absent: any room, and the classic endpoint), and
 * {@code expiresAt} from {@code exp} ({@code null} when the token has none: the session never expires).
 */
public record Identity(String name, Set<String> rooms, Instant expiresAt) {

    /**
     * The entry of a {@code rooms} claim that allows the classic endpoint, the global channel every classic client
     * hears. {@code /} is never a room name, so it cannot be confused with one.
     */
    public static final String CLASSIC = "/";

    public Identity {
        rooms = rooms == null ? null : Set.copyOf(rooms);
    }

    public boolean mayJoin(String room) {
        return rooms == null || rooms.contains(room);
    }

    /** {@code true} once {@code now} has reached the token's {@code exp} (never without one). */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** A token scoped to rooms may use the classic endpoint only if its {@code rooms} claim lists {@link #CLASSIC}. */
    public boolean mayUseClassic() {
        return mayJoin(CLASSIC);
    }
}
