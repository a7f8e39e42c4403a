package dev.bookmarks.bookmarkservice.security;

import dev.bookmarks.bookmarkservice.Problems;
import dev.bookmarks.protocol.CanonicalPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first filter on the public port: a request whose raw path is not canonical ({@link CanonicalPaths}) is
 * answered 400 before anything else reads it. Tomcat's {@code getRequestURI()} is the raw path, while the
 * servlet mapping and Spring MVC dispatch on a decoded, normalized path with {@code ;parameters} removed; only
 * when the two are the same string can {@link GatewaySignatureFilter} and the ownership filter decide on the
 * path the handler will serve.
 */
public final class CanonicalPathFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> violation = CanonicalPaths.violation(request.getRequestURI());
        if (violation.isPresent()) {
            // Shaped like the API's other 400s: the offending part named in "errors".
            Problems.write(response, HttpStatus.BAD_REQUEST, "Path not canonical", violation.get(),
                    Map.of("errors", List.of(Map.of("field", "path", "detail", violation.get()))));
            return;
        }
        chain.doFilter(request, response);
    }
}
