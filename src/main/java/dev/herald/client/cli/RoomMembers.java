package dev.herald.client.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The members of the CLI's room as its frames tell them, so that a name two members share is shown apart: with the
 * member's number ({@code ann #124}), or its whole id when even the numbers match (members on two nodes). The
 * browser page follows the same rule (README, Security).
 */
final class RoomMembers {

    private final Map<String, String> namesById = new LinkedHashMap<>();

    void clear() {
        namesById.clear();
    }

    void add(String id, String name) {
        if (id != null) {
            namesById.put(id, name);
        }
    }

    void remove(String id) {
        namesById.remove(id);
    }

    /** {@code name}, or {@code name #number} (or {@code name #id}) when another member has the same name. */
    String shown(String id, String name) {
        if (id == null || name == null) {
            return name;
        }
        boolean namesake = false;
        boolean sameNumber = false;
        for (Map.Entry<String, String> other : namesById.entrySet()) {
            if (!other.getKey().equals(id) && other.getValue().equals(name)) {
                namesake = true;
                sameNumber |= number(other.getKey()).equals(number(id));
            }
        }
        return !namesake ? name : name + " #" + (sameNumber ? id : number(id));
    }

    private static String number(String id) {
        return id.substring(id.lastIndexOf('-') + 1);
    }
}
