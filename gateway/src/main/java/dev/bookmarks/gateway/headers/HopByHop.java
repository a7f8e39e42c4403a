package dev.bookmarks.gateway.headers;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;

/**
 * Header names compared ignoring case, without lower-casing anything per request: a read-only set built once, and
 * the names a {@code Connection} header lists (RFC 9110 section 7.6.1), which are hop-by-hop too.
 */
final class HopByHop {

    /** Hop-by-hop headers, lower case; {@code Proxy-Connection} is a common non-standard one. */
    static final Set<String> HEADERS = Set.of("connection", "proxy-connection", "keep-alive", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authorization", "proxy-authenticate");

    private HopByHop() {
    }

    /** {@code names}, read-only, compared ignoring case. */
    static Set<String> ignoringCase(Collection<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return Collections.unmodifiableSet(set);
    }

    /** The header names {@code headers}' {@code Connection} header lists, compared ignoring case; null if none. */
    static Set<String> connectionOptions(HttpHeaders headers) {
        List<String> values = headers.get(HttpHeaders.CONNECTION);
        if (values == null) {
            return null;
        }
        Set<String> named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String value : values) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    named.add(name);
                }
            }
        }
        return named;
    }
}
