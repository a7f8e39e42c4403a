package dev.bookmarks.bookmarkservice.bookmarks;

/**
 * One reason a request was refused, as it appears in a problem's {@code errors} member.
 *
 * @param field what was wrong: a body member ({@code url}, {@code tags[3]}), {@code body} for the
 *     body as a whole, a path variable ({@code userId}, {@code id}), a query parameter
 *     ({@code limit}, {@code cursor}, {@code tag}, {@code q}) or a header ({@code Idempotency-Key})
 * @param detail why, in words, without echoing the offending value
 */
record FieldError(String field, String detail) {
}
