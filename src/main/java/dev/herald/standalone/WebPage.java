package dev.herald.standalone;

import dev.herald.endpoint.PageHeaders;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves the browser page (src/main/webapp, copied to the class path as {@code herald-web/} by the build) at
 * {@code /chat/}, as the WAR does, and sends a plain GET of {@code /} there. Tyrus answers only WebSocket
 * upgrades, so GETs reach this handler while an upgrade of {@code /} still reaches the classic endpoint.
 */
final class WebPage extends CLStaticHttpHandler {

    /** The class-path folder holding the web files; the POM's resources section puts them there. */
    static final String ROOT = "/herald-web/";
    /** Where the page lives, here and in the WAR. */
    static final String PAGE = "/chat/";

    WebPage() {
        super(WebPage.class.getClassLoader(), ROOT);
        // Serve what is on the class path now, not a cached copy: a rebuilt page shows on the next reload.
        setFileCacheEnabled(false);
    }

    @Override
    protected boolean handle(String path, Request request, Response response) throws Exception {
        // The root and the folder without its slash lead to the page; without the slash, its relative links
        // (app.js, style.css) would resolve against the wrong folder.
        if (path.isEmpty() || path.equals("/") || path.equals("/chat")) {
            response.setHeader("Connection", "close");
            response.sendRedirect(PAGE);
            return true;
        }
        // Every file of the page is UTF-8; without a charset browsers guess.
        response.setCharacterEncoding("UTF-8");
        PageHeaders.ALL.forEach(response::setHeader);
        response.setHeader("Cache-Control", "no-cache");
        // A stop drains until every connection has gone, and the listener keeps idle connections (WebSockets live
        // on it): a browser's idle keep-alive connection for these few files would hold that drain open. So each
        // file gets its own short-lived connection.
        response.setHeader("Connection", "close");
        return super.handle(path, request, response);
    }
}
