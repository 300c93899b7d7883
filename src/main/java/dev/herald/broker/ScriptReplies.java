package dev.herald.broker;

/** Reading the values of a Lua script's reply, which Redis gives as strings or integers. */
final class ScriptReplies {

    private ScriptReplies() {
    }

    static String text(Object value) {
        return String.valueOf(value);
    }

    static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }
}
