package dev.herald.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ResumeCursorTest {

    private static final URI ROOM = URI.create("ws://127.0.0.1:9001/rooms/lobby?name=ann%20b");

    private static JsonObject welcome(String epoch, long offset, Boolean recovered, Long missed) {
        JsonObjectBuilder builder = Json.createObjectBuilder().add("type", "welcome").add("offset", offset)
                .add("heartbeatSeconds", 25);
        if (epoch != null) {
            builder.add("epoch", epoch);
        }
        if (recovered != null) {
            builder.add("recovered", recovered);
        }
        if (missed != null) {
            builder.add("missed", missed);
        }
        return builder.build();
    }

    private static JsonObject message(long offset) {
        return Json.createObjectBuilder().add("type", "message").add("offset", offset).add("text", "m" + offset).build();
    }

    @Test
    void beforeAnyEpochTheUriIsUnchanged() {
        ResumeCursor cursor = new ResumeCursor();
        assertEquals(ROOM, cursor.resumeUri(ROOM));
        cursor.welcome(welcome(null, 3, null, null));
        assertEquals(ROOM, cursor.resumeUri(ROOM), "a server without epochs cannot resume");
    }

    @Test
    void theResumeUriAppendsSinceAndTheEncodedEpochToTheExistingQuery() {
        ResumeCursor cursor = new ResumeCursor();
        assertEquals(ResumeCursor.Outcome.FIRST, cursor.welcome(welcome("e 1&x=+/é", 7, null, null)).outcome());
        assertTrue(cursor.accept(message(8)));
        assertEquals(URI.create("ws://127.0.0.1:9001/rooms/lobby?name=ann%20b&since=8&epoch=e%201%26x%3D%2B%2F%C3%A9"),
                cursor.resumeUri(ROOM));
        assertEquals(URI.create("ws://h/rooms/a?since=8&epoch=e%201%26x%3D%2B%2F%C3%A9"),
                cursor.resumeUri(URI.create("ws://h/rooms/a")), "no query before");
        assertEquals(URI.create("ws://h/rooms/a?name=x&since=8&epoch=e%201%26x%3D%2B%2F%C3%A9"),
                cursor.resumeUri(URI.create("ws://h/rooms/a?since=1&name=x&epoch=old")), "old values replaced");
    }

    @Test
    void messagesAtOrBelowTheLastOffsetAreDuplicates() {
        ResumeCursor cursor = new ResumeCursor();
        cursor.welcome(welcome("a", 2, null, null));
        assertFalse(cursor.accept(message(1)));
        assertFalse(cursor.accept(message(2)), "the welcome's offset was seen already");
        assertTrue(cursor.accept(message(3)));
        assertTrue(cursor.accept(message(4)));
        assertFalse(cursor.accept(message(4)));
        assertFalse(cursor.accept(message(3)));
        assertTrue(cursor.accept(Json.createObjectBuilder().add("type", "message").build()), "no offset: new");
        assertEquals(4, cursor.offset());
    }

    @Test
    void aRecoveredResumeKeepsTheOffsetSoTheReplayIsDeduplicated() {
        ResumeCursor cursor = new ResumeCursor();
        cursor.welcome(welcome("a", 0, null, null));
        for (long offset = 1; offset <= 5; offset++) {
            assertTrue(cursor.accept(message(offset)));
        }
        ResumeCursor.Welcome back = cursor.welcome(welcome("a", 9, true, 4L));
        assertEquals(new ResumeCursor.Welcome(ResumeCursor.Outcome.RESUMED, 4), back);
        assertFalse(cursor.accept(message(5)), "already seen before the cut");
        for (long offset = 6; offset <= 9; offset++) {
            assertTrue(cursor.accept(message(offset)), "replayed " + offset);
        }
    }

    @Test
    void aNewEpochLosesTheHistoryAndItsOffsetsStartOver() {
        ResumeCursor cursor = new ResumeCursor();
        cursor.welcome(welcome("a", 0, null, null));
        assertTrue(cursor.accept(message(1)));
        assertTrue(cursor.accept(message(2)));
        assertEquals(ResumeCursor.Outcome.LOST, cursor.welcome(welcome("b", 0, false, null)).outcome());
        assertEquals("b", cursor.epoch());
        assertTrue(cursor.accept(message(1)), "offset 1 of the new epoch is new");
        assertEquals(URI.create("ws://h/rooms/a?since=1&epoch=b"), cursor.resumeUri(URI.create("ws://h/rooms/a")));
    }

    @Test
    void recoveredTrueForAnotherEpochOrNoAnswerAtAllMeansLost() {
        ResumeCursor cursor = new ResumeCursor();
        cursor.welcome(welcome("a", 4, null, null));
        assertEquals(ResumeCursor.Outcome.LOST, cursor.welcome(welcome("b", 4, true, 0L)).outcome());
        assertEquals(ResumeCursor.Outcome.LOST, cursor.welcome(welcome("b", 6, null, null)).outcome(),
                "a server that ignores since/epoch cannot promise anything");
        assertEquals(6, cursor.offset());
        ResumeCursor old = new ResumeCursor();
        old.welcome(welcome(null, 0, null, null));
        assertNull(old.epoch());
        assertEquals(ResumeCursor.Outcome.LOST, old.welcome(welcome(null, 0, true, 0L)).outcome());
    }

    @Test
    void aResumeAtTheLatestOffsetRecoversNothingAndLosesNothing() {
        ResumeCursor cursor = new ResumeCursor();
        cursor.welcome(welcome("a", 3, null, null));
        assertEquals(new ResumeCursor.Welcome(ResumeCursor.Outcome.RESUMED, 0), cursor.welcome(welcome("a", 3, true, 0L)));
        assertTrue(cursor.accept(message(4)));
    }
}
