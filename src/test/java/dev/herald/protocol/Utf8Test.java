package dev.herald.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks that Utf8 sizes strings exactly as UTF-8 encoding would, without encoding them. */
class Utf8Test {

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "hello, world",                       // ASCII: 1 byte each
            "\u0000\u007f",                       // ASCII edges
            "\u0080\u00e9\u00ff\u07ff",           // 2 bytes each, including both edges
            "caf\u00e9 \u00fcber",                // ASCII mixed with 2-byte
            "\u0800\u20ac\u6771\u4eac\uffff",     // 3 bytes each, including both edges
            "\ud7ff\ue000",                       // around the surrogate block: 3 bytes each
            "\uD83D\uDE00",                       // one surrogate pair: 4 bytes
            "\uD800\uDC00\uDBFF\uDFFF",           // smallest and largest supplementary code points
            "a\u00e9\u20ac\uD83D\uDE00z",         // 1 + 2 + 3 + 4 + 1
    })
    void lengthEqualsEncodedLength(String text) {
        assertEquals(text.getBytes(UTF_8).length, Utf8.length(text), () -> "for " + escape(text));
    }

    @Test
    void exampleSizes() {
        assertEquals(5, Utf8.length("hello"));
        assertEquals(2, Utf8.length("\u00e9"));
        assertEquals(3, Utf8.length("\u20ac"));
        assertEquals(4, Utf8.length("\uD83D\uDE00"));
        assertEquals(10, Utf8.length("a\u00e9\u20ac\uD83D\uDE00"));
    }

    @Test
    void loneSurrogateCountsThree() {
        assertEquals(3, Utf8.length("\uD83D"), "lone high surrogate");
        assertEquals(3, Utf8.length("\uDE00"), "lone low surrogate");
        assertEquals(1 + 3 + 1, Utf8.length("a\uD83Db"), "high surrogate followed by ASCII");
        assertEquals(3 + 3, Utf8.length("\uDE00\uD83D"), "reversed pair is two lone surrogates");
        assertEquals(3 + 3, Utf8.length("\uD83D\uD83D"), "two high surrogates");
        assertEquals(3 + 4, Utf8.length("\uD83D\uD83D\uDE00"), "lone high, then a pair");
    }

    @Test
    void randomWellFormedStringsMatchTheEncoder() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            StringBuilder text = new StringBuilder();
            int codePoints = random.nextInt(40);
            for (int i = 0; i < codePoints; i++) {
                int codePoint = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                    case 2 -> {
                        int c = 0x800 + random.nextInt(0x10000 - 0x800);
                        yield Character.isSurrogate((char) c) ? 'x' : c;
                    }
                    default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
                };
                text.appendCodePoint(codePoint);
            }
            String s = text.toString();
            assertEquals(s.getBytes(UTF_8).length, Utf8.length(s), () -> "for " + escape(s));
        }
    }

    @Test
    void exceedsComparesAgainstTheByteLimit() {
        assertFalse(Utf8.exceeds("", 0));
        assertFalse(Utf8.exceeds("abc", 3));
        assertTrue(Utf8.exceeds("abcd", 3));
        assertFalse(Utf8.exceeds("\u20ac", 3));
        assertTrue(Utf8.exceeds("\u20ac", 2));
        assertFalse(Utf8.exceeds("\uD83D\uDE00", 4));
        assertTrue(Utf8.exceeds("\uD83D\uDE00", 3));
        assertFalse(Utf8.exceeds("x".repeat(65_536), 65_536));
        assertTrue(Utf8.exceeds("x".repeat(65_537), 65_536));
        assertTrue(Utf8.exceeds("\u00e9".repeat(32_769), 65_536));
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x80 && c >= 0x20 ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return out.toString();
    }
}
