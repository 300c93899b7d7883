package dev.herald.broker;

/**
 * The names of a room's keys and channel in Redis. Every name carries the room in a hash tag ({@code {room}}), so
 * a room's keys share one slot and the publish script stays valid on a Redis Cluster. Room names are limited to
 * {@code A-Z a-z 0-9 . _ -}, so they never contain a brace.
 */
final class RedisKeys {

    static final String PREFIX = "herald:";
    private static final String CHANNEL_SUFFIX = ":messages";

    private RedisKeys() {
    }

    /** The hash of the room's epoch, the Redis run that wrote it, and its latest offset. */
    static String meta(String room) {
        return PREFIX + "{" + room + "}:meta";
    }

    /** The stream of the room's history: entry {@code offset-0} holds the message. */
    static String log(String room) {
        return PREFIX + "{" + room + "}:log";
    }

    /** The hash of the room's members on every node: member id to display name. */
    static String members(String room) {
        return PREFIX + "{" + room + "}:members";
    }

    /** A room script's keys, in the order the scripts expect them. */
    static String[] room(String room) {
        return new String[] {meta(room), log(room), members(room), channel(room)};
    }

    /** The sorted set of live nodes, scored by their last heartbeat (Redis's clock, ms). */
    static String nodes() {
        return PREFIX + "nodes";
    }

    /** A once-only request key ({@link Broker#claim}); {@code key} is a hex digest, so it holds no brace. */
    static String once(String key) {
        return PREFIX + "once:" + key;
    }

    /** The channel of operators' questions ({@link ClusterQueries}), which every node subscribes to. */
    static String questions() {
        return PREFIX + "control";
    }

    /** The channel where {@code nodeId} hears the answers to its questions. */
    static String answers(String nodeId) {
        return PREFIX + "control:" + nodeId;
    }

    /** The counter of classic clients' numbers, cluster-wide. */
    static String classicNumbers() {
        return PREFIX + "classic:numbers";
    }

    /** The channel of the classic endpoint's texts, which every node subscribes to. */
    static String classicChannel() {
        return PREFIX + "classic";
    }

    /** The channel every node with members in the room subscribes to. */
    static String channel(String room) {
        return PREFIX + "{" + room + "}" + CHANNEL_SUFFIX;
    }

    /** The room of a {@link #channel}, or {@code null} for any other channel. */
    static String roomOf(String channel) {
        int open = channel.indexOf('{');
        int close = channel.indexOf('}', open + 1);
        if (!channel.startsWith(PREFIX) || open != PREFIX.length() || close < 0 || !channel.endsWith(CHANNEL_SUFFIX)) {
            return null;
        }
        return channel.substring(open + 1, close);
    }
}
