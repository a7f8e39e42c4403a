package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.bookmarkservice.security.GatewayIdentity;
import dev.bookmarks.protocol.ApiHeaders;
import dev.bookmarks.ring.UserIds;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The bookmark API of docs/architecture.md ("Public API"), as a shard serves it behind the
 * gateways. By the time a request gets here the gateway's signature was verified and this shard
 * owns the user's slot (filters in {@code dev.bookmarks.bookmarkservice.security} and
 * {@code dev.bookmarks.bookmarkservice.ownership}); this class serves the user the gateway vouched for, checks
 * that the path names that very user (403 otherwise: a second check of the signature filter's, on the
 * value the handler actually received) and that it is well-formed, and leaves the rest to
 * {@link BookmarkInput}, {@link ListQuery} and {@link BookmarkService}.
 *
 * <p>Errors are RFC 9457 problems ({@link BookmarkExceptionHandler}) naming the offending field.
 */
@RestController
@RequestMapping("/api/users/{userId}")
final class BookmarkController {

    /** Set on a response that replays the stored answer to an earlier request with the same key. */
    static final String REPLAYED = ApiHeaders.IDEMPOTENT_REPLAYED;

    private final BookmarkService bookmarks;
    private final PageCursors cursors;

    BookmarkController(BookmarkService bookmarks, PageCursors cursors) {
        this.bookmarks = bookmarks;
        this.cursors = cursors;
    }

    /**
     * Creates a bookmark: 201, the bookmark, and {@code Location} (a path, valid through any
     * gateway). With {@code Idempotency-Key} a retry gets the first answer again, byte for byte,
     * marked {@value #REPLAYED}{@code : true}.
     */
    @PostMapping(path = "/bookmarks", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> create(@PathVariable("userId") String pathUser, HttpServletRequest request)
            throws IOException {
        String userId = user(pathUser, request);
        // Raw header lines: a binding would drop an empty value, and that is a key to refuse, not no key.
        Optional<IdempotencyKey> key =
                IdempotencyKey.fromHeader(Collections.list(request.getHeaders(IdempotencyKey.HEADER)));
        BookmarkInput input = BookmarkInput.from(RequestBodies.readJson(request));
        StoredResponse response = bookmarks.create(userId, input, key, "/api/users/" + userId + "/bookmarks");
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(response.status())
                .location(URI.create(response.location()))
                .contentType(MediaType.APPLICATION_JSON);
        if (response.replayed()) {
            answer.header(REPLAYED, "true");
        }
        return answer.body(response.body().getBytes(StandardCharsets.UTF_8));
    }

    /** One page of the user's bookmarks, newest first ({@link ListQuery} has the parameters). */
    @GetMapping("/bookmarks")
    BookmarkPage list(@PathVariable("userId") String pathUser, @RequestParam(required = false) String tag,
            @RequestParam(required = false) String q, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, HttpServletRequest request) {
        String userId = user(pathUser, request);
        return bookmarks.list(userId, ListQuery.of(cursors, userId, tag, q, limit, cursor));
    }

    /** The user's bookmark, or 404. */
    @GetMapping("/bookmarks/{id}")
    BookmarkView get(@PathVariable("userId") String pathUser, @PathVariable String id, HttpServletRequest request) {
        String userId = user(pathUser, request);
        return bookmarks.get(userId, BookmarkIds.parse(id));
    }

    /** Replaces the bookmark's url, title, tags and notes (absent ones become empty): 200 or 404. */
    @PutMapping(path = "/bookmarks/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    BookmarkView replace(@PathVariable("userId") String pathUser, @PathVariable String id, HttpServletRequest request)
            throws IOException {
        String userId = user(pathUser, request);
        UUID bookmarkId = BookmarkIds.parse(id);
        BookmarkInput input = BookmarkInput.from(RequestBodies.readJson(request));
        return bookmarks.replace(userId, bookmarkId, input);
    }

    /** Deletes the bookmark: 204, also when it is already gone (deletes are idempotent). */
    @DeleteMapping("/bookmarks/{id}")
    ResponseEntity<Void> delete(@PathVariable("userId") String pathUser, @PathVariable String id,
            HttpServletRequest request) {
        String userId = user(pathUser, request);
        bookmarks.delete(userId, BookmarkIds.parse(id));
        return ResponseEntity.noContent().build();
    }

    /** The user's tags with how many bookmarks carry each, most used first, then by tag. */
    @GetMapping("/tags")
    List<TagCount> tags(@PathVariable("userId") String pathUser, HttpServletRequest request) {
        String userId = user(pathUser, request);
        return bookmarks.tags(userId);
    }

    /**
     * The user this request serves: the one the gateway vouched for ({@link GatewayIdentity}), which the path
     * must name exactly (403 otherwise); the path's user only when trust checks are off (the test profile).
     */
    private static String user(String pathUser, HttpServletRequest request) {
        UserIds.requireValid(pathUser);
        GatewayIdentity identity = GatewayIdentity.of(request);
        if (identity == null) {
            return pathUser;
        }
        if (!identity.userId().equals(pathUser)) {
            throw BookmarkProblems.anotherUser();
        }
        return identity.userId();
    }
}
