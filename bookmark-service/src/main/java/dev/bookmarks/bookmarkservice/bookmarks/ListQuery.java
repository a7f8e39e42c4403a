package dev.bookmarks.bookmarkservice.bookmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of a list request, validated: {@code GET /api/users/{userId}/bookmarks?tag=&q=&limit=&cursor=}.
 *
 * <ul>
 *   <li>{@code tag}: only bookmarks with this tag; normalised like stored tags ({@link Tags}), so
 *       {@code tag=Java} finds "java". Absent or empty: no tag filter.
 *   <li>{@code q}: only bookmarks whose title, url or notes contain it, ignoring case (the
 *       database's LOWER on both sides); surrounding white space is stripped; at most
 *       {@value #MAX_Q} characters, no control characters. Absent or empty: no search.
 *   <li>{@code limit}: the page size, an integer from 1 to {@value #MAX_LIMIT}; absent or empty:
 *       {@value #DEFAULT_LIMIT}.
 *   <li>{@code cursor}: the {@code nextCursor} of the previous page, issued for the same user,
 *       tag and q ({@link PageCursors}); absent for the first page.
 * </ul>
 *
 * @param tag the normalised tag, or null
 * @param q the search text, or null
 * @param limit the page size
 * @param after the position to continue after, or null for the first page
 */
record ListQuery(String tag, String q, int limit, PageCursor after) {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    static final int MAX_Q = 256;

    /**
     * Validates the raw query parameters of a list request for {@code userId}.
     *
     * @throws org.springframework.web.ErrorResponseException 400 listing each bad parameter
     */
    static ListQuery of(PageCursors cursors, String userId, String tag, String q, String limit, String cursor) {
        List<FieldError> errors = new ArrayList<>();
        String normalizedTag = null;
        if (tag != null && !tag.isEmpty()) {
            String problem = BookmarkInput.textProblem(tag, false);
            try {
                normalizedTag = problem == null ? Tags.normalize(tag) : null;
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                errors.add(new FieldError("tag", problem));
            }
        }
        String search = q == null || q.isBlank() ? null : q.strip();
        if (search != null) {
            int length = search.codePointCount(0, search.length());
            String problem = length > MAX_Q
                    ? "must have at most " + MAX_Q + " characters, has " + length
                    : BookmarkInput.textProblem(search, false);
            if (problem != null) {
                errors.add(new FieldError("q", problem));
            }
        }
        int size = DEFAULT_LIMIT;
        if (limit != null && !limit.isEmpty()) {
            size = parseLimit(limit);
            if (size < 1) {
                errors.add(new FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT));
            }
        }
        if (!errors.isEmpty()) {
            throw BookmarkProblems.invalid(errors);
        }
        PageCursor after = cursor == null || cursor.isEmpty()
                ? null
                : cursors.decode(cursor, userId, normalizedTag, search);
        return new ListQuery(normalizedTag, search, size, after);
    }

    /** The limit, or -1 if it is not an integer from 1 to {@value #MAX_LIMIT}. */
    private static int parseLimit(String limit) {
        if (limit.isEmpty() || limit.length() > 3 || !limit.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int value = Integer.parseInt(limit);
        return value >= 1 && value <= MAX_LIMIT ? value : -1;
    }
}
