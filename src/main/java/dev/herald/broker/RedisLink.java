package dev.herald.broker;

import dev.herald.config.BrokerSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's two connections to Redis, through Lettuce: one for commands and scripts, one for pub/sub (which
 * Lettuce resubscribes by itself after a reconnection). Lettuce's defaults would queue commands without limit while
 * disconnected and replay them once connected, so a publish could run twice; here a command is refused at once
 * while the link is down, is never replayed after a reconnection, times out after {@link #COMMAND_TIMEOUT}, and is
 * refused when {@link #REQUEST_QUEUE} commands already wait for Redis. If Redis is unreachable at start, the link
 * keeps trying in the background; meanwhile every call is refused as unavailable.
 */
final class RedisLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** Commands in flight per connection; past it a command is refused (unavailable) rather than queued. */
    private static final int REQUEST_QUEUE = 65_536;

    private final RedisClient client;
    private final RedisPubSubListener<String, String> listener;
    private final ScheduledExecutorService scheduler;
    private final Runnable linked;
    private final String where;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    private volatile boolean closed;

    /** @param linked run once, when both connections are first made */
    RedisLink(BrokerSettings settings, String nodeId, RedisPubSubListener<String, String> listener,
              ScheduledExecutorService scheduler, Runnable linked) {
        RedisURI uri = RedisURI.create(settings.redisUrl());
        RedisURI.Builder builder = RedisURI.builder(uri).withClientName("herald-" + nodeId).withTimeout(COMMAND_TIMEOUT);
        String password = password(settings);
        if (password != null) {
            String user = settings.redisUrl().getUserInfo(); // a user name at most: BrokerSettings refuses a password
            if (user == null) {
                builder.withPassword(password);
            } else {
                builder.withAuthentication(user, password);
            }
        }
        this.where = settings.redisUrl().getScheme() + "://" + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
        this.client = RedisClient.create(builder.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // Nor is a command that was in flight when the link dropped sent again once it is back: its caller
                // was already told it failed (a timeout, "unavailable"), so a replayed publish would run twice after
                // the client retried. Resubscribing is not a replay: Lettuce still does it.
                .replayFilter(command -> true)
                .requestQueueSize(REQUEST_QUEUE)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).keepAlive(true).build())
                .build());
        this.listener = listener;
        this.scheduler = scheduler;
        this.linked = linked;
    }

    /** Connects now, or keeps trying every second in the background. */
    void connect() {
        if (closed) {
            return;
        }
        try {
            if (commands == null) {
                commands = client.connect();
            }
            if (pubsub == null) {
                StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
                connection.addListener(listener);
                pubsub = connection;
            }
            LOG.info(() -> "connected to Redis at " + where);
            linked.run();
        } catch (RuntimeException e) {
            // The root cause says why (refused, a certificate that is not trusted, a wrong password); Lettuce's own
            // message only says that it could not connect.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
            LOG.log(Level.WARNING, "cannot reach Redis at " + where + "; trying again in " + RETRY.toSeconds() + " s: "
                    + why);
            scheduler.schedule(this::connect, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The command interface; throws {@link BrokerUnavailableException} until the first connection is made. */
    RedisAsyncCommands<String, String> commands() {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null) {
            throw new BrokerUnavailableException("Redis at " + where + " is not reachable yet", null);
        }
        return connection.async();
    }

    RedisPubSubAsyncCommands<String, String> pubsub() {
        StatefulRedisPubSubConnection<String, String> connection = pubsub;
        if (connection == null) {
            throw new BrokerUnavailableException("Redis at " + where + " is not reachable yet", null);
        }
        return connection.async();
    }

    /** {@code true} while both connections are open (Lettuce is not reconnecting either of them). */
    boolean connected() {
        StatefulRedisConnection<String, String> c = commands;
        StatefulRedisPubSubConnection<String, String> p = pubsub;
        return c != null && p != null && c.isOpen() && p.isOpen();
    }

    String where() {
        return where;
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisPubSubConnection<String, String> p = pubsub;
        if (p != null) {
            p.close();
        }
        StatefulRedisConnection<String, String> c = commands;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** From {@code redis-password-file}, else {@code HERALD_REDIS_PASSWORD}, else none. */
    private static String password(BrokerSettings settings) {
        if (settings.redisPasswordFile() != null) {
            try {
                return Files.readString(settings.redisPasswordFile()).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + settings.redisPasswordFile(), e);
            }
        }
        String fromEnvironment = System.getenv(BrokerSettings.PASSWORD_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
    }
}
