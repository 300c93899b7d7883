package dev.herald.api;

import dev.herald.endpoint.RunningHub;
import dev.herald.hub.Hub;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /metrics}, {@code /health/live} and {@code /health/ready}, the same class on every runtime: a WAR
 * registers it from its listener, standalone Grizzly's servlet support serves it beside Tyrus and the page.
 * Answers close their connection: a scraper's idle keep-alive connection would otherwise hold a graceful drain
 * open (the standalone listener never times idle connections out, for the WebSockets' sake).
 */
public final class OperationsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** Where a WAR or the standalone server maps this servlet. */
    public static final String[] MAPPINGS = {"/metrics", "/health/*"};

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        response.setHeader("Cache-Control", "no-store");
        Optional<Hub> running = RunningHub.find();
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (running.isEmpty()) {
            // Starting or stopping: not ready, and no numbers to report.
            write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "application/json",
                    Health.json(List.of(new Health.Check("hub", false))));
            return;
        }
        Hub hub = running.get();
        switch (path) {
            case "/metrics" -> write(response, HttpServletResponse.SC_OK, PrometheusText.CONTENT_TYPE,
                    MetricsReport.of(hub));
            case "/health/live", "/health" -> health(response, Health.live(hub));
            case "/health/ready" -> health(response, Health.ready(hub));
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private static void health(HttpServletResponse response, List<Health.Check> checks) throws IOException {
        int status = Health.up(checks) ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        write(response, status, "application/json", Health.json(checks));
    }

    private static void write(HttpServletResponse response, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
