package dev.bookmarks.gateway.routing;

import dev.bookmarks.gateway.Problems;
import dev.bookmarks.protocol.ApiPaths;
import dev.bookmarks.ring.UserIds;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Where the user is in a public API path: {@code /api/users/{userId}} and everything below it, read by
 * the protocol's one parser ({@link ApiPaths}) and answered as a gateway answers it. The
 * user ID is read from the raw path, exactly as the shard will receive it, and must be a valid ID
 * as it stands: valid IDs contain only unreserved characters, so a client never needs to
 * percent-encode one, and an encoded form is refused rather than decoded into something else.
 */
public final class UserPaths {

    /** Every user's resources are under this prefix. */
    public static final String PREFIX = ApiPaths.USERS;

    private UserPaths() {
    }

    /**
     * The user a path under {@value #PREFIX} names.
     *
     * @throws ErrorResponseException 400 when the segment is not a valid user ID ({@link UserIds}, which
     *     also refuses the dot segments), 404 when the path is not under {@value #PREFIX}
     */
    public static String requireUser(String rawPath) {
        String segment = ApiPaths.userSegment(rawPath);
        if (segment == null) {
            throw Problems.of(HttpStatus.NOT_FOUND, "Not found", "only paths under " + PREFIX + "{userId} are served");
        }
        try {
            return UserIds.requireValid(segment);
        } catch (IllegalArgumentException e) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Invalid user ID", e.getMessage());
        }
    }
}
