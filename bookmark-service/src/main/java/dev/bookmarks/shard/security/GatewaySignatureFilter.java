package dev.bookmarks.shard.security;

import dev.bookmarks.shard.Problems;
import dev.bookmarks.signing.GatewayHeaders;
import dev.bookmarks.signing.RequestVerifier;
import dev.bookmarks.signing.RequestVerifier.Verdict;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a request on the public port through only if a gateway signed it for exactly this request (401
 * otherwise), and only for the user the gateway vouched for (403 when the path names another). It runs
 * for every request, whatever its path, after {@link CanonicalPathFilter}: the raw path it verifies and
 * reads the user from is then the path Spring MVC dispatches on. The verified user and epoch are left
 * in the request as {@link GatewayIdentity}.
 */
public final class GatewaySignatureFilter extends OncePerRequestFilter {

    private static final Pattern USER_PATH = Pattern.compile("^/api/users/([^/]*)(/.*)?$");

    private final RequestVerifier verifier;

    public GatewaySignatureFilter(RequestVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Verdict verdict = verifier.verify(request.getMethod(), request.getRequestURI(), request.getQueryString(),
                request.getHeader(GatewayHeaders.USER), request.getHeader(GatewayHeaders.EPOCH),
                request.getHeader(GatewayHeaders.TIMESTAMP), request.getHeader(GatewayHeaders.SIGNATURE));
        if (verdict instanceof Verdict.Refused refused) {
            Problems.write(response, HttpStatus.UNAUTHORIZED, "Not from a gateway", refused.reason());
            return;
        }
        Verdict.Verified verified = (Verdict.Verified) verdict;
        Matcher path = USER_PATH.matcher(request.getRequestURI());
        if (path.matches() && !path.group(1).equals(verified.userId())) {
            Problems.write(response, HttpStatus.FORBIDDEN, "Another user's bookmarks",
                    "the gateway vouched for a different user than the one this path names");
            return;
        }
        GatewayIdentity.set(request, new GatewayIdentity(verified.userId(), verified.epoch()));
        chain.doFilter(request, response);
    }
}
