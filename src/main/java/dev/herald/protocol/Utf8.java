package dev.herald.protocol;

/** UTF-8 sizes of Java strings, computed without encoding them. */
public final class Utf8 {

    private Utf8() {
    }

    /** The UTF-8 length of {@code text}; a lone surrogate counts 3 bytes, as its replacement character would. */
    public static int length(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair, whose 2 chars are already counted
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** {@code true} when {@code text} takes more than {@code limit} bytes in UTF-8 (cheap when it clearly fits). */
    public static boolean exceeds(String text, int limit) {
        return (long) text.length() * 3 > limit && length(text) > limit;
    }

    /** {@code true} when {@code text} holds a surrogate without its pair: it cannot be encoded as UTF-8. */
    public static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
