package dev.herald.client;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a room member is in the room's history (protocol section 6): the epoch and the last offset seen, which
 * make the resume URI, tell what a {@code welcome} after a reconnect means, and drop messages seen already.
 * Not thread-safe: one thread reads a session's frames.
 */
public final class ResumeCursor {

    /** What a {@code welcome} said about the history since the last connection. */
    public enum Outcome {
        /** The first connection: nothing to recover. */
        FIRST,
        /** Every message missed follows, {@code missed} of them. */
        RESUMED,
        /** The room's history since the last connection is gone (or the server cannot tell): live traffic only. */
        LOST
    }

    /** A {@code welcome} read: its outcome and, for {@link Outcome#RESUMED}, how many missed messages follow. */
    public record Welcome(Outcome outcome, long missed) {
    }

    private String epoch;
    private long offset;
    private boolean welcomed;

    /** The epoch of the history seen, or {@code null} before a welcome that named one. */
    public String epoch() {
        return epoch;
    }

    /** The offset of the last message seen (or the welcome's offset when nothing came after it). */
    public long offset() {
        return offset;
    }

    /**
     * Reads a {@code welcome}. A resume succeeded only when the server says {@code recovered: true} for the epoch
     * we asked about; anything else (false, absent on a reconnect, another epoch) means the history was lost, and
     * the welcome's epoch and offset become the new starting point.
     */
    public Welcome welcome(JsonObject welcome) {
        String newEpoch = welcome.get("epoch") instanceof JsonString text ? text.getString() : null;
        long newOffset = number(welcome, "offset", 0);
        boolean first = !welcomed;
        welcomed = true;
        if (!first && welcome.get("recovered") == JsonValue.TRUE && epoch != null && epoch.equals(newEpoch)) {
            return new Welcome(Outcome.RESUMED, number(welcome, "missed", 0));
        }
        epoch = newEpoch;
        offset = newOffset;
        return new Welcome(first ? Outcome.FIRST : Outcome.LOST, 0);
    }

    /**
     * True when {@code message} is new; false for a duplicate, a message whose offset is at or below the last one
     * seen in this epoch (a message without an offset is always new). Messages carry no epoch: they belong to the
     * epoch of the welcome before them on the same connection.
     */
    public boolean accept(JsonObject message) {
        long messageOffset = number(message, "offset", -1);
        if (messageOffset < 0) {
            return true;
        }
        if (messageOffset <= offset) {
            return false;
        }
        offset = messageOffset;
        return true;
    }

    /**
     * {@code room} with {@code since} and {@code epoch} set to what was seen (replacing any the URI had, keeping
     * its other query parameters), or {@code room} unchanged before any epoch was seen.
     */
    public URI resumeUri(URI room) {
        if (epoch == null) {
            return room;
        }
        List<String> parameters = new ArrayList<>();
        if (room.getRawQuery() != null && !room.getRawQuery().isEmpty()) {
            for (String parameter : room.getRawQuery().split("&")) {
                String key = parameter.split("=", 2)[0];
                if (!key.isEmpty() && !key.equals("since") && !key.equals("epoch")) {
                    parameters.add(parameter);
                }
            }
        }
        parameters.add("since=" + offset);
        parameters.add("epoch=" + URLEncoder.encode(epoch, StandardCharsets.UTF_8).replace("+", "%20"));
        String fragment = room.getRawFragment() == null ? "" : "#" + room.getRawFragment();
        return URI.create(room.getScheme() + "://" + room.getRawAuthority() + room.getRawPath() + "?"
                + String.join("&", parameters) + fragment);
    }

    private static long number(JsonObject object, String key, long otherwise) {
        return object.get(key) instanceof JsonNumber number ? number.longValue() : otherwise;
    }
}
