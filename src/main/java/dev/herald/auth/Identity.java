package dev.herald.auth;

import java.util.Set;

/**
 * Who a verified token says the client is: {@code name} from {@code sub}, and the rooms it may join from the
 * {@code rooms} claim ({@code null} when the claim is absent: any room).
 */
public record Identity(String name, Set<String> rooms) {

    public Identity {
        rooms = rooms == null ? null : Set.copyOf(rooms);
    }

    public boolean mayJoin(String room) {
        return rooms == null || rooms.contains(room);
    }
}
