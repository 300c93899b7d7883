package dev.herald.endpoint;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Sends the page's {@link PageHeaders} with every file under {@code /chat/} in a container. */
@WebFilter(urlPatterns = "/chat/*")
public class PageHeadersFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        PageHeaders.ALL.forEach(response::setHeader);
        chain.doFilter(request, response);
    }
}
