package dev.herald.standalone;

import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves the browser page (src/main/webapp, copied to the class path as {@code herald-web/} by the build) at
 * the standalone server's root. Tyrus answers only WebSocket upgrades, so a plain GET of {@code /} reaches this
 * handler while an upgrade of {@code /} reaches the classic endpoint.
 */
final class WebPage extends CLStaticHttpHandler {

    /** The class-path folder holding the page; the POM's resources section puts it there. */
    static final String ROOT = "/herald-web/";

    WebPage() {
        super(WebPage.class.getClassLoader(), ROOT);
        // Serve what is on the class path now, not a cached copy: a rebuilt page shows on the next reload.
        setFileCacheEnabled(false);
    }

    @Override
    protected boolean handle(String path, Request request, Response response) throws Exception {
        // Every file of the page is UTF-8; without a charset browsers guess.
        response.setCharacterEncoding("UTF-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-cache");
        // The listener never times out idle connections (WebSockets live on it), and a stop drains until every
        // connection has gone; a browser's idle keep-alive connection for these few files would hold that drain
        // open for its whole drain-seconds. So each file gets its own short-lived connection.
        response.setHeader("Connection", "close");
        return super.handle(path, request, response);
    }
}
