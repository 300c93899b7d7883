package dev.herald.api;

import jakarta.json.spi.JsonProvider;

/**
 * An API request that cannot be served, with its HTTP status; answered as {@code application/problem+json}
 * (RFC 9457) by {@link ApiServlet}.
 */
final class ApiProblem extends Exception {

    /** Looked up once: every {@code Json.createX} call searches the class path for it again (0.2 to 0.7 ms here). */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final long serialVersionUID = 1L;

    private final int status;
    /** The method a 405 allows, for its {@code Allow} header; {@code null} otherwise. */
    private final String allow;

    ApiProblem(int status, String detail) {
        this(status, detail, null);
    }

    private ApiProblem(int status, String detail, String allow) {
        super(detail, null, false, false); // an answer, not a failure: no stack trace to fill
        this.status = status;
        this.allow = allow;
    }

    static ApiProblem methodNotAllowed(String allowed) {
        return new ApiProblem(405, "this route takes " + allowed, allowed);
    }

    String allow() {
        return allow;
    }

    int status() {
        return status;
    }

    /** The problem document: {@code type} {@code about:blank}, so the status's own title applies. */
    String json() {
        return JSON.createObjectBuilder().add("type", "about:blank").add("title", title(status)).add("status", status)
                .add("detail", getMessage()).build().toString();
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
