package dev.bookmarks.bookmarkservice.security;

import dev.bookmarks.bookmarkservice.InternalPaths;
import dev.bookmarks.bookmarkservice.Problems;
import dev.bookmarks.protocol.ApiHeaders;
import dev.bookmarks.protocol.ApiPaths;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.RequestVerifier.Verdict;
import dev.bookmarks.protocol.RequestVerifier;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a request on the public port through only if a gateway signed it for exactly this request, body and
 * Idempotency-Key included, and has not been let through before (401 otherwise), and only for the user the
 * gateway vouched for (403 when the path names another). It runs for every request but the shard-to-shard ones
 * ({@link InternalPaths}: another shard's signature, under a key no gateway signs with, guards those), after
 * {@link CanonicalPathFilter}: the raw path it verifies and reads the user from is then the path Spring MVC
 * dispatches on. The verified user and epoch are left in the request as {@link GatewayIdentity}.
 *
 * <p>The body is read here, at most {@value #MAX_BODY_BYTES} bytes (413 beyond, before the signature is
 * looked at: a larger body cannot be digested), digested as received, and handed on in memory, so that the
 * handler parses exactly the bytes the signature covers.
 */
public final class GatewaySignatureFilter extends OncePerRequestFilter {

    /** The largest body a shard takes, in bytes: the gateways' limit (64 KiB), so none they forward is refused. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final RequestVerifier verifier;

    public GatewaySignatureFilter(RequestVerifier verifier) {
        this.verifier = verifier;
    }

    /** A gateway signature is never enough for a shard-to-shard path: that path's own filter refuses it. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return InternalPaths.isInternal(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = request.getContentLengthLong() > MAX_BODY_BYTES ? null
                // A chunked body declares no length: one byte past the limit tells whether it is over.
                : request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body == null || body.length > MAX_BODY_BYTES) {
            String detail = "the body may have at most " + MAX_BODY_BYTES + " bytes";
            Problems.write(response, HttpStatus.CONTENT_TOO_LARGE, "Request body too large", detail,
                    Map.of("errors", List.of(Map.of("field", "body", "detail", "more than " + MAX_BODY_BYTES
                            + " bytes"))));
            return;
        }
        Verdict verdict = verifier.verify(request.getMethod(), request.getRequestURI(), request.getQueryString(),
                Collections.list(request.getHeaders(ApiHeaders.IDEMPOTENCY_KEY)), BodyDigest.of(body), request::getHeader);
        if (verdict instanceof Verdict.Refused refused) {
            Problems.write(response, HttpStatus.UNAUTHORIZED, "Not from a gateway", refused.reason());
            return;
        }
        Verdict.Verified verified = (Verdict.Verified) verdict;
        String pathUser = ApiPaths.userSegment(request.getRequestURI());
        if (pathUser != null && !pathUser.equals(verified.userId())) {
            Problems.write(response, HttpStatus.FORBIDDEN, "Another user's bookmarks",
                    "the gateway vouched for a different user than the one this path names");
            return;
        }
        GatewayIdentity.set(request, new GatewayIdentity(verified.userId(), verified.epoch()));
        chain.doFilter(new ReceivedBody(request, body), response);
    }
}
