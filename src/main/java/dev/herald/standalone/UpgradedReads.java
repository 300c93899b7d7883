package dev.herald.standalone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeHolder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.ByteBufferArray;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.spi.ReadHandler;

/**
 * Takes an upgraded connection off Grizzly's HTTP codec (issue 14, item 1): the one seam into how Tyrus attaches
 * itself to Grizzly.
 *
 * <p>Tyrus runs a WebSocket connection's bytes through Grizzly's HTTP filter for its whole life, wrapped as the body
 * of the upgrade request, so that request, its response and their header buffers (about 7 KiB, a third of an idle
 * connection's heap) stay reachable until the connection closes. This filter sits in front of the HTTP filter. Once
 * Tyrus has upgraded a connection, it hands the connection's bytes straight to Tyrus's reader, exactly as Tyrus's own
 * filter does (through the connection's task processor, in order), and drops the HTTP state of the upgrade request.
 * Writes and closes take the listener's chain as before.
 *
 * <p>It reads two of Tyrus's connection attributes by name ({@link #TYRUS_CONNECTION}, {@link #TYRUS_TASKS}). Should
 * a Tyrus version name them otherwise, no connection looks upgraded here: every read takes the HTTP filter, as without
 * this class, and only the memory saving is lost. {@code UpgradedReadsIT} checks both paths.
 */
final class UpgradedReads extends BaseFilter {

    /** Tyrus marks an upgraded Grizzly connection with its WebSocket connection under this name. */
    static final String TYRUS_CONNECTION = "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter.Connection";
    /** ... and the task processor that serialises what reaches that connection under this one. */
    static final String TYRUS_TASKS = TaskProcessor.class.getName() + ".TaskProcessor";
    /** What the HTTP side keeps per connection: the request in process, its keep-alive state, the guard's mark. */
    private static final List<String> HTTP_STATE = List.of(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME,
            "HttpServerFilter.KeepAliveContext", RequestGuard.CHECKED_NAME);

    // Resolved once: the builder hands out the same attribute for a name, and reading one by index is cheap.
    private final Attribute<Object> upgradedMark;
    private final Attribute<Object> tyrusTasks = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(TYRUS_TASKS);
    private final Attribute<Object> httpRequest =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);

    /** @param upgradedMark the attribute that marks an upgraded connection: {@link #TYRUS_CONNECTION} but in tests */
    UpgradedReads(String upgradedMark) {
        this.upgradedMark = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(upgradedMark);
    }

    /** Registers the filter on a listener, in front of its HTTP filter. */
    static AddOn addOn(String upgradedMark) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int codec = builder.indexOfType(HttpServerFilter.class);
                if (codec < 0) {
                    throw new IllegalStateException("no HTTP codec on listener " + listener.getName());
                }
                builder.add(codec, new UpgradedReads(upgradedMark));
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        if (!(upgradedMark.get(connection) instanceof org.glassfish.tyrus.spi.Connection upgraded)
                || !(tyrusTasks.get(connection) instanceof TaskProcessor tasks)) {
            // An HTTP request, or a handshake: once its processing is over, the connection may be upgraded.
            ctx.addCompletionListener(done -> dropHttpStateIfUpgraded(done.getConnection()));
            return ctx.getInvokeAction();
        }
        if (httpRequest.isSet(connection)) {
            dropHttpStateIfUpgraded(connection); // the handshake's own completion came too early for it
        }
        Buffer bytes = ctx.getMessage();
        ReadHandler reader = upgraded.getReadHandler();
        if (!bytes.isComposite()) {
            tasks.processTask(new Read(reader, bytes.toByteBuffer()));
        } else {
            ByteBufferArray parts = bytes.toByteBufferArray();
            ByteBuffer[] array = parts.getArray();
            for (int i = 0; i < parts.size(); i++) {
                tasks.processTask(new Read(reader, array[i]));
            }
            parts.recycle();
        }
        return ctx.getStopAction();
    }

    private void dropHttpStateIfUpgraded(Connection<?> connection) {
        AttributeHolder attributes = connection.getAttributes();
        if (attributes != null && upgradedMark.isSet(connection)) {
            HTTP_STATE.forEach(attributes::removeAttribute);
        }
    }

    /** One read's bytes for Tyrus's frame parser. */
    private static final class Read extends TaskProcessor.Task {

        private final ReadHandler reader;
        private final ByteBuffer bytes;

        Read(ReadHandler reader, ByteBuffer bytes) {
            this.reader = reader;
            this.bytes = bytes;
        }

        @Override
        public void execute() {
            reader.handle(bytes);
        }
    }
}
