package dev.herald.broker;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts that keep a room's order and members in Redis, each one atomic: where a room stands, publish, a
 * read of its history, joins and departures; and the nodes' heartbeats. Each room script starts with
 * {@code room-epoch.lua}, so that all of them agree on the room's epoch (a script on one room then names its keys with
 * {@code room-one.lua}). They run by
 * their SHA-1; a Redis that does not know a script yet (a new or restarted one) gets its text once.
 */
final class RedisScripts {

    /** One script: its text and the SHA-1 that Redis caches it under. */
    record Script(String name, String text, String sha) {

        /** Runs it; on NOSCRIPT, once more with its text (which also loads it). */
        CompletionStage<List<Object>> run(RedisAsyncCommands<String, String> commands, String[] keys, String... args) {
            RedisFuture<List<Object>> bySha = commands.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            return bySha.handle((reply, failure) -> {
                if (failure instanceof RedisNoScriptException) {
                    return commands.<List<Object>>eval(text, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
                }
                return failure == null ? CompletableFuture.completedFuture(reply)
                        : CompletableFuture.<List<Object>>failedFuture(failure);
            }).thenCompose(next -> next);
        }
    }

    /** What a script on one room's keys starts with: the room's epoch settled, then its keys named. */
    private static final String[] ONE_ROOM = {"room-epoch", "room-one"};

    static final Script POSITIONS = script("rooms-position", "room-epoch"); // many rooms, each settled the same way
    static final Script SNAPSHOT = script("room-snapshot", ONE_ROOM);
    static final Script PUBLISH = script("room-publish", ONE_ROOM);
    static final Script HISTORY = script("room-history", ONE_ROOM);
    static final Script JOIN = script("room-join", ONE_ROOM);
    static final Script LEAVE = script("room-leave", ONE_ROOM);
    static final Script NODE_BEAT = script("node-beat");
    static final Script NODE_ALIVE = script("node-alive");

    private RedisScripts() {
    }

    /** The script {@code name}, after the texts of {@code preludes}, each a resource of its own. */
    private static Script script(String name, String... preludes) {
        StringBuilder text = new StringBuilder();
        for (String prelude : preludes) {
            text.append(resource(prelude)).append('\n');
        }
        text.append(resource(name));
        return new Script(name, text.toString(), sha1(text.toString()));
    }

    private static String resource(String name) {
        try (InputStream in = RedisScripts.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException(name + ".lua is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
