package dev.herald.client.cli;

import dev.herald.client.Frame;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.stream.Collectors;

/**
 * Turns received frames into the lines the CLI prints: classic frames as they come, room frames as
 * {@code [lobby] alice: hi} and join/leave lines, or, with {@code --json}, the raw frames. Control characters
 * in anything the server relays are shown escaped, so a message cannot move the cursor or fake a line.
 */
final class FramePrinter {

    /** What one frame means to the CLI: the line to print ({@code null} for none), its type and its ref. */
    record Shown(String line, String type, String ref) {
    }

    private final String room;
    private final boolean raw;
    private final RoomMembers roomMembers = new RoomMembers();

    /** @param room the room's name for room endpoints, {@code null} for the classic endpoint */
    FramePrinter(String room, boolean raw) {
        this.room = room;
        this.raw = raw;
    }

    Shown show(Frame frame) {
        if (frame instanceof Frame.Binary binary) {
            return new Shown(prefix() + "* binary frame, " + binary.data().length + " bytes", "binary", null);
        }
        String text = ((Frame.Text) frame).text();
        if (room == null) {
            return new Shown(safe(text), "text", null);
        }
        JsonObject object = parse(text);
        if (object == null) {
            return new Shown(safe(text), "unknown", null);
        }
        String type = string(object, "type");
        if ("welcome".equals(type) || "presence".equals(type)) {
            learnMembers(object);
        } else if ("joined".equals(type)) {
            learn(object.get("member"));
        }
        String line = raw ? safe(text) : pretty(type, object, text);
        if ("left".equals(type) && object.get("member") instanceof JsonObject member) {
            roomMembers.remove(string(member, "id"));
        }
        return new Shown(line, type, string(object, "ref"));
    }

    private String pretty(String type, JsonObject frame, String text) {
        String prefix = prefix();
        return switch (type == null ? "" : type) {
            case "welcome" -> prefix + "* you joined as " + name(frame.get("you")) + "; members: " + names(frame);
            case "joined" -> prefix + "* " + name(frame.get("member")) + " joined (" + members(frame) + ")";
            case "left" -> prefix + "* " + name(frame.get("member")) + " " + leaving(string(frame, "reason"))
                    + " (" + members(frame) + ")";
            case "message" -> prefix + name(frame.get("from")) + ": " + safe(string(frame, "text"));
            case "direct" -> prefix + "* to you only, from " + name(frame.get("from")) + ": " + safe(string(frame, "text"));
            case "presence" -> prefix + "* members: " + names(frame);
            case "pong" -> prefix + "* pong";
            case "error" -> prefix + "! error " + safe(string(frame, "code")) + ": " + safe(string(frame, "message"));
            // An ack only confirms the sender's own message, which is already shown as it came back.
            case "ack" -> null;
            default -> safe(text);
        };
    }

    private String prefix() {
        return room == null ? "" : "[" + safe(room) + "] ";
    }

    private static String leaving(String reason) {
        return switch (reason == null ? "" : reason) {
            case "timeout" -> "timed out";
            case "slow" -> "was disconnected for reading too slowly";
            case "policy" -> "was disconnected for breaking a rule";
            case "error" -> "lost the connection";
            default -> "left";
        };
    }

    private static String members(JsonObject frame) {
        int count = frame.getInt("count", -1);
        return count + (count == 1 ? " member" : " members");
    }

    private String names(JsonObject frame) {
        return frame.get("members") instanceof JsonArray members
                ? members.stream().map(this::name).collect(Collectors.joining(", "))
                : "";
    }

    private String name(JsonValue member) {
        return member instanceof JsonObject object
                ? safe(roomMembers.shown(string(object, "id"), string(object, "name"))) : "?";
    }

    private void learnMembers(JsonObject frame) {
        if (frame.get("members") instanceof JsonArray members) {
            roomMembers.clear();
            members.forEach(this::learn);
        }
    }

    private void learn(JsonValue member) {
        if (member instanceof JsonObject object) {
            roomMembers.add(string(object, "id"), string(object, "name"));
        }
    }

    private static String string(JsonObject object, String key) {
        return object.get(key) instanceof JsonString value ? value.getString() : null;
    }

    private static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.read() instanceof JsonObject object ? object : null;
        } catch (RuntimeException e) {
            // Not JSON: the frame is shown as it came, escaped, rather than dropped.
            return null;
        }
    }

    /**
     * The text with control characters (C0, DEL, C1) and bidirectional overrides escaped as {@code \n} or
     * {@code \u001b}: they would otherwise drive the terminal (colours, cursor moves) or fake extra lines.
     */
    static String safe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
