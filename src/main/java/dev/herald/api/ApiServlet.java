package dev.herald.api;

import dev.herald.endpoint.RunningHub;
import dev.herald.hub.Hub;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP server API under {@code /api} (protocol.md §8), the same class on every runtime (a plain servlet: a WAR
 * registers it from its listener, standalone Grizzly's servlet support serves it beside Tyrus). It checks the key,
 * reads the JSON body, hands the request to {@link ApiRoutes}, and writes the answer, or the problem as
 * {@code application/problem+json}; every answer is counted for {@code /metrics}. With no key configured it is not
 * registered at all, so {@code /api} answers 404.
 */
public final class ApiServlet extends HttpServlet {

    /** Looked up once: every {@code Json.createX} call searches the class path for it again (0.2 to 0.7 ms here). */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ApiServlet.class.getName());
    public static final String MAPPING = "/api/*";
    /** Room for the JSON around a text and its escapes (a character may take 6 bytes as \\uXXXX). */
    private static final int BODY_OVERHEAD = 4096;

    private final transient ApiKey key;
    private final transient Jsonb jsonb = JsonbBuilder.create();

    public ApiServlet(ApiKey key) {
        this.key = key;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // As for /metrics: an idle keep-alive connection would hold a graceful drain open.
        response.setHeader("Connection", "close");
        response.setHeader("Cache-Control", "no-store");
        String method = request.getMethod();
        Optional<Hub> running = RunningHub.find();
        int status;
        try {
            if (!key.accepts(request.getHeader("Authorization"))) {
                response.setHeader("WWW-Authenticate", "Bearer");
                throw new ApiProblem(401, "a valid API key is needed: Authorization: Bearer <key>");
            }
            if (running.isEmpty()) {
                throw new ApiProblem(503, "Herald is starting or stopping");
            }
            ApiRoutes.Answer answer = new ApiRoutes(running.get().control(), jsonb)
                    .serve(new ServletRequest(request, running.get().settings().maxMessageBytes()));
            status = answer.status();
            write(response, status, "application/json", answer.json());
        } catch (ApiProblem problem) {
            status = problem.status();
            if (problem.allow() != null) {
                response.setHeader("Allow", problem.allow());
            }
            write(response, status, "application/problem+json", problem.json());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the API failed on " + method + " " + request.getRequestURI(), e);
            status = 500;
            write(response, status, "application/problem+json",
                    new ApiProblem(500, "the server failed; see its log").json());
        }
        int answered = status;
        running.ifPresent(hub -> hub.apiAnswered(method, answered));
    }

    private static void write(HttpServletResponse response, int status, String contentType, String json)
            throws IOException {
        response.setStatus(status);
        if (json == null) {
            response.setContentLength(0);
            return;
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The servlet request as the routes see it; the body is read once, bounded by the largest text allowed. */
    private static final class ServletRequest implements ApiRoutes.Request {

        private final HttpServletRequest request;
        private final long maxBodyBytes;

        ServletRequest(HttpServletRequest request, int maxTextBytes) {
            this.request = request;
            this.maxBodyBytes = (long) maxTextBytes * 6 + BODY_OVERHEAD;
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public List<String> path() {
            String info = request.getPathInfo();
            return info == null ? List.of()
                    : Arrays.stream(info.split("/")).filter(segment -> !segment.isEmpty()).toList();
        }

        @Override
        public String parameter(String name) {
            return request.getParameter(name);
        }

        @Override
        public String header(String name) {
            return request.getHeader(name);
        }

        @Override
        public JsonObject body() throws ApiProblem {
            if (request.getContentLengthLong() > maxBodyBytes) {
                throw new ApiProblem(413, "the body is larger than " + maxBodyBytes + " bytes");
            }
            String text;
            try {
                text = read(request.getInputStream());
            } catch (IOException e) {
                throw new ApiProblem(400, "the body could not be read: " + e.getMessage());
            }
            try (JsonReader reader = JSON.createReader(new StringReader(text))) {
                JsonValue value = reader.readValue();
                if (value instanceof JsonObject object) {
                    return object;
                }
            } catch (JsonException e) {
                throw new ApiProblem(400, "the body must be one JSON object: " + e.getMessage());
            }
            throw new ApiProblem(400, "the body must be one JSON object");
        }

        private String read(InputStream in) throws IOException, ApiProblem {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                if (out.size() > maxBodyBytes) {
                    throw new ApiProblem(413, "the body is larger than " + maxBodyBytes + " bytes");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
