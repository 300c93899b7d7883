package dev.herald.endpoint;

import java.util.Map;

/**
 * The security headers of the browser page, the same standalone and in the WAR. The Content-Security-Policy is
 * sent as a header because only a header can carry {@code frame-ancestors}: no other site may frame the page.
 */
public final class PageHeaders {

    /** Only the page's own files may run or load, it may connect only to its own server, and nobody may frame it. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Every header, by name. */
    public static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            // For browsers older than frame-ancestors.
            "X-Frame-Options", "DENY");

    private PageHeaders() {
    }
}
