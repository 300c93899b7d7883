package dev.herald.standalone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Answers a malformed request with 400 at once, before Grizzly's URI handling or Tyrus's handshake sees it (issue 13,
 * item 6): a path that is not well-formed percent-encoded UTF-8 (an overlong dot, a stray {@code %}), or that holds a
 * control character ({@code %00}), a backslash, or a {@code .} or {@code ..} segment; and a WebSocket upgrade without
 * a {@code Sec-WebSocket-Key} of 16 base64 bytes. Those used to reach code that answered 500 (with a stack trace and
 * the server's version in older builds) and logged a warning per request, or held the socket until the handshake
 * deadline. The answer has no body and closes the connection; nothing is logged above FINE.
 */
final class RequestGuard extends BaseFilter {

    private static final Logger LOG = Logger.getLogger(RequestGuard.class.getName());
    /** The request already checked on a connection: later reads of it (its body, its WebSocket frames) pass. */
    static final String CHECKED_NAME = RequestGuard.class.getName() + ".checked";
    private static final Attribute<HttpRequestPacket> CHECKED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(CHECKED_NAME);
    private static final int WEBSOCKET_KEY_BYTES = 16;

    /** Registers the guard on a listener, in front of the WebSocket upgrade and the HTTP handlers. */
    static AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                int codec = builder.indexOfType(HttpServerFilter.class);
                if (codec < 0) {
                    throw new IllegalStateException("no HTTP codec on listener " + listener.getName());
                }
                builder.add(codec + 1, new RequestGuard());
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)) {
            return ctx.getInvokeAction();
        }
        Connection<?> connection = ctx.getConnection();
        if (CHECKED.get(connection) == request) {
            return ctx.getInvokeAction();
        }
        String problem = problem(request);
        if (problem == null) {
            CHECKED.set(connection, request);
            return ctx.getInvokeAction();
        }
        LOG.fine(() -> "answered 400 to " + connection.getPeerAddress() + ": " + problem);
        HttpResponsePacket response = HttpResponsePacket.builder(request).status(400).reasonPhrase("Bad Request")
                .contentLength(0).header("Connection", "close").build();
        ctx.write(HttpContent.builder(response).content(Buffers.EMPTY_BUFFER).last(true).build(),
                new EmptyCompletionHandler<WriteResult>() {
                    @Override
                    public void completed(WriteResult result) {
                        connection.closeSilently();
                    }

                    @Override
                    public void failed(Throwable error) {
                        connection.closeSilently();
                    }
                });
        return ctx.getStopAction();
    }

    /** Why {@code request} is refused, or {@code null} when it may go on. */
    static String problem(HttpRequestPacket request) {
        String pathProblem = pathProblem(request.getRequestURI());
        if (pathProblem != null) {
            return pathProblem;
        }
        String upgrade = request.getHeader("Upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            return keyProblem(request.getHeader("Sec-WebSocket-Key"));
        }
        return null;
    }

    /** Why a raw (still percent-encoded) path is refused, or {@code null}. */
    static String pathProblem(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return "the path does not start with /";
        }
        ByteBuffer bytes = ByteBuffer.allocate(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    return "a % without two hex digits";
                }
                int high = Character.digit(rawPath.charAt(i + 1), 16);
                int low = Character.digit(rawPath.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return "a % without two hex digits";
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else if (c > 0x7e || c < 0x21) {
                return "a raw character outside visible ASCII";
            } else {
                bytes.put((byte) c);
            }
        }
        bytes.flip();
        String path;
        try {
            // Java's UTF-8 decoder refuses overlong forms (%c0%ae for a dot), lone surrogates and stray bytes.
            path = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return "the path is not UTF-8: " + e.getMessage();
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            return "a control character or backslash in the path";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "a . or .. segment in the path";
            }
        }
        return null;
    }

    /** Why a {@code Sec-WebSocket-Key} is refused (RFC 6455 §4.1: 16 random bytes, base64), or {@code null}. */
    static String keyProblem(String key) {
        if (key == null || key.isBlank()) {
            return "a WebSocket upgrade without Sec-WebSocket-Key";
        }
        try {
            if (Base64.getDecoder().decode(key.strip()).length == WEBSOCKET_KEY_BYTES) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return "a Sec-WebSocket-Key that is not base64";
        }
        return "a Sec-WebSocket-Key that is not 16 bytes";
    }
}
