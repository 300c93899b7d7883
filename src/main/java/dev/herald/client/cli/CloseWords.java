package dev.herald.client.cli;

import dev.herald.client.CloseStatus;

/** Close codes in words, after the close catalogue in the README, so people need not look numbers up. */
final class CloseWords {

    private CloseWords() {
    }

    /** For example {@code 1008 policy violation "invalid room": the room name must be …}. */
    static String describe(CloseStatus status) {
        String reason = status.reason() == null ? "" : status.reason().strip();
        String title = title(status.code());
        StringBuilder words = new StringBuilder().append(status.code()).append(' ').append(title);
        if (!reason.isEmpty() && !reason.equalsIgnoreCase(title)) {
            words.append(" \"").append(FramePrinter.safe(reason)).append('"');
        }
        String meaning = meaning(status.code(), reason);
        if (!meaning.isEmpty()) {
            words.append(": ").append(meaning);
        }
        return words.toString();
    }

    private static String title(int code) {
        return switch (code) {
            case 1000 -> "normal close";
            case 1001 -> "going away";
            case 1002 -> "protocol error";
            case 1003 -> "unsupported data";
            case 1006 -> "connection lost";
            case 1007 -> "invalid data";
            case 1008 -> "policy violation";
            case 1009 -> "message too big";
            case 1011 -> "internal error";
            case 1012 -> "service restart";
            case 1013 -> "try again later";
            case 1015 -> "TLS failure";
            case 4000 -> "slow consumer";
            case 4001 -> "token expired";
            default -> code >= 4000 ? "application close" : "close";
        };
    }

    private static String meaning(int code, String reason) {
        return switch (code) {
            case 1000 -> "the connection ended normally";
            case 1001 -> switch (reason) {
                case "idle timeout" -> "nothing arrived from this client for too long";
                case "going away" -> "the server is stopping";
                default -> "the peer is going away";
            };
            case 1003 -> "this endpoint accepts text frames only";
            case 1006 -> "the connection dropped without a close frame";
            case 1008 -> switch (reason) {
                case "invalid room" -> "a room name is 1-64 characters of A-Z a-z 0-9 . _ -";
                case "invalid name" -> "a name is at most 32 characters, without control characters";
                case "rate limit abuse" -> "frames kept arriving faster than the rate limit allows";
                case "unauthorized" -> "the server did not accept the credentials";
                default -> "the server's rules were broken";
            };
            case 1009 -> "a message was larger than the server accepts";
            case 1011 -> "the server hit an unexpected error";
            case 1012 -> "the server is restarting; connect again";
            case 1013 -> "the server reached a connection limit; connect again later";
            case 1015 -> "the TLS handshake failed";
            case 4000 -> "this client read too slowly and its outbound queue overflowed";
            case 4001 -> "the sign-in token passed its expiry time; connect again with a new token";
            default -> "";
        };
    }
}
