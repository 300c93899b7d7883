package dev.herald.protocol;

import java.util.regex.Pattern;

/** The rules for room names and display names. */
public final class Names {

    public static final int MAX_DISPLAY_NAME = 32;
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Names() {
    }

    /**
     * 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}, and not {@code .} or {@code ..}, which a path cannot hold as a
     * segment.
     */
    public static boolean isValidRoom(String room) {
        return room != null && ROOM.matcher(room).matches() && !room.equals(".") && !room.equals("..");
    }

    /**
     * {@code true} when {@code requested} is absent, blank, or at most 32 characters after trimming with no
     * control characters, lone surrogates, format characters or line and paragraph separators. Format characters
     * (Unicode category Cf: bidi overrides and isolates, zero-width spaces and joiners, the BOM) draw nothing, or
     * reorder what is drawn, so they would let one name pass for another.
     */
    public static boolean isAcceptableDisplayName(String requested) {
        String trimmed = requested == null ? "" : requested.strip();
        return trimmed.isEmpty()
                || trimmed.codePointCount(0, trimmed.length()) <= MAX_DISPLAY_NAME
                && trimmed.codePoints().noneMatch(Names::isInvisibleOrControl);
    }

    private static boolean isInvisibleOrControl(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.SURROGATE || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /**
     * The display name for an acceptable request: trimmed, or {@code guest-<number>} when absent or blank.
     *
     * @throws IllegalArgumentException when {@link #isAcceptableDisplayName} says no
     */
    public static String displayName(String requested, long number) {
        if (!isAcceptableDisplayName(requested)) {
            throw new IllegalArgumentException("unacceptable display name");
        }
        String trimmed = requested == null ? "" : requested.strip();
        return trimmed.isEmpty() ? "guest-" + number : trimmed;
    }
}
