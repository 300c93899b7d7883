package dev.herald.it;

import dev.herald.client.HeraldClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Small helpers to speak the room protocol in tests. */
final class Frames {

    static final Duration WAIT = Duration.ofSeconds(10);

    private Frames() {
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** The next frame as JSON. */
    static JsonObject next(HeraldClient client) throws IOException, InterruptedException, TimeoutException {
        return json(client.nextText(WAIT));
    }

    /** The next frame, which must have {@code type}. */
    static JsonObject expect(HeraldClient client, String type) throws IOException, InterruptedException, TimeoutException {
        JsonObject frame = next(client);
        if (!type.equals(frame.getString("type", null))) {
            throw new AssertionError("expected a " + type + " frame but got " + frame);
        }
        return frame;
    }

    static String publish(String text) {
        return Json.createObjectBuilder().add("type", "publish").add("text", text).build().toString();
    }

    static String publish(String text, String ref) {
        return Json.createObjectBuilder().add("type", "publish").add("text", text).add("ref", ref).build().toString();
    }

    /**
     * Reads the welcomes of two members connected back to back, and the {@code joined} frame that whichever joined
     * first hears (a handshake completes before the server runs its open callback, so they may join in either
     * order); returns the two welcomes, {@code one}'s first.
     */
    static List<JsonObject> bothWelcomed(HeraldClient one, HeraldClient two)
            throws IOException, InterruptedException, TimeoutException {
        JsonObject oneWelcome = expect(one, "welcome");
        JsonObject twoWelcome = expect(two, "welcome");
        expect(oneWelcome.getJsonArray("members").size() == 1 ? one : two, "joined");
        return List.of(oneWelcome, twoWelcome);
    }
}
