package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.bookmarkservice.InternalPaths;
import dev.bookmarks.bookmarkservice.Problems;
import dev.bookmarks.bookmarkservice.migration.InternalRequestVerifier.Verdict;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a request for an internal path ({@link InternalPaths}) through only if another shard signed it for exactly
 * this request and this shard, and it was not let through before: 401 otherwise, a gateway's signature included
 * (the gateway signature filter does not look at these paths, and no gateway signature verifies here). Runs
 * after {@code CanonicalPathFilter}, so the raw path verified is the path dispatched on. The verified caller is
 * named in the request for {@link MigrationReaders}, which decides what it may read.
 *
 * <p>The body is digested as received, at most {@value #MAX_BODY_BYTES} bytes (413 beyond), so the signature
 * covers it; the internal calls are all reads, and none of their handlers reads a body.
 */
final class InternalSignatureFilter extends OncePerRequestFilter {

    /** The largest body an internal request may carry: the gateway filter's limit. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(InternalSignatureFilter.class);

    private final InternalRequestVerifier verifier;

    InternalSignatureFilter(InternalRequestVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !InternalPaths.isInternal(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = request.getContentLengthLong() > MAX_BODY_BYTES ? null
                : request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body == null || body.length > MAX_BODY_BYTES) {
            Problems.write(response, HttpStatus.CONTENT_TOO_LARGE, "Request body too large",
                    "the body may have at most " + MAX_BODY_BYTES + " bytes",
                    Map.of("errors", List.of(Map.of("field", "body", "detail", "more than " + MAX_BODY_BYTES
                            + " bytes"))));
            return;
        }
        Verdict verdict = verifier.verify(request.getMethod(), request.getRequestURI(), request.getQueryString(),
                body, request::getHeader);
        if (verdict instanceof Verdict.Refused refused) {
            Problems.write(response, HttpStatus.UNAUTHORIZED, "Not from a shard", refused.reason());
            return;
        }
        String caller = ((Verdict.Verified) verdict).callerShardId();
        // Debug, not info: a copy pages thousands of times; switch it on to see which shard read what.
        log.debug("{} {}?{} for shard {}", request.getMethod(), request.getRequestURI(), request.getQueryString(),
                caller);
        request.setAttribute(MigrationReaders.CALLER, caller);
        chain.doFilter(request, response);
    }
}
