package dev.herald.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the room-name and display-name rules of protocol.md §2. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "lobby", "Room_1", "a.b-c_d", "...", "-", "0123456789",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"})
    void validRoomNames(String room) {
        assertTrue(Names.isValidRoom(room), room);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "lobby ", "a b", "a/b", "a%20b", "caf\u00e9", "\u0440\u0443\u0441", "a:b",
            "a\nb", "lobby?x=1", "*", "\uD83D\uDE00"})
    void invalidRoomNames(String room) {
        assertFalse(Names.isValidRoom(room), room);
    }

    @Test
    void roomNameLengthIsOneToSixtyFour() {
        assertTrue(Names.isValidRoom("r".repeat(64)));
        assertFalse(Names.isValidRoom("r".repeat(65)));
        assertFalse(Names.isValidRoom(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ann", "  ann  ", "Zo\u00eb", "\u6771\u4eac", "a b c", "", "   "})
    void acceptableDisplayNames(String name) {
        assertTrue(Names.isAcceptableDisplayName(name), name);
    }

    @Test
    void absentDisplayNameIsAcceptable() {
        assertTrue(Names.isAcceptableDisplayName(null));
    }

    @Test
    void displayNameIsAtMostThirtyTwoCharactersAfterTrimming() {
        assertEquals(32, Names.MAX_DISPLAY_NAME);
        assertTrue(Names.isAcceptableDisplayName("n".repeat(32)));
        assertTrue(Names.isAcceptableDisplayName("   " + "n".repeat(32) + "   "));
        assertFalse(Names.isAcceptableDisplayName("n".repeat(33)));
    }

    @Test
    void supplementaryCharactersCountOnceEach() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        assertTrue(Names.isAcceptableDisplayName(emoji.repeat(32)));
        assertFalse(Names.isAcceptableDisplayName(emoji.repeat(33)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u0007b", "line\nbreak", "tab\there", "a\u007fb", "a\u009bb",
            "lone\uD83Dhigh", "lone\uDE00low", "\uDE00\uD83D"})
    void controlCharactersAndLoneSurrogatesAreRefused(String name) {
        assertFalse(Names.isAcceptableDisplayName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ann\u202E", "\u202Enna", "a\u200Bnn", "ann\u200D", "\uFEFFann", "an\u2066n\u2069",
            "an\u2028n", "an\u2029n", "a\u00ADnn", "a\u061Cnn"})
    void formatCharactersAndSeparatorsAreRefusedSoNoNamePassesForAnother(String name) {
        assertFalse(Names.isAcceptableDisplayName(name), name);
    }

    @Test
    void displayNameIsTrimmed() {
        assertEquals("ann", Names.displayName("  ann \t", 7));
        assertEquals("a b", Names.displayName("a b", 7));
    }

    @Test
    void absentOrBlankDisplayNameBecomesGuest() {
        assertEquals("guest-7", Names.displayName(null, 7));
        assertEquals("guest-8", Names.displayName("", 8));
        assertEquals("guest-12345678901", Names.displayName("  ", 12_345_678_901L));
    }

    @Test
    void unacceptableDisplayNameThrows() {
        assertThrows(IllegalArgumentException.class, () -> Names.displayName("n".repeat(33), 1));
        assertThrows(IllegalArgumentException.class, () -> Names.displayName("bad\u0000", 1));
    }
}
