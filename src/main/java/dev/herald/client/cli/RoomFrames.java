package dev.herald.client.cli;

import jakarta.json.Json;

/** The room protocol's client frames, built with JSON-P so that any text is escaped correctly. */
final class RoomFrames {

    private RoomFrames() {
    }

    static String publish(String text, String ref) {
        return Json.createObjectBuilder().add("type", "publish").add("text", text).add("ref", ref).build().toString();
    }

    static String presence() {
        return Json.createObjectBuilder().add("type", "presence").build().toString();
    }

    static String ping(String ref) {
        return Json.createObjectBuilder().add("type", "ping").add("ref", ref).build().toString();
    }
}
