/**
 * A shard's bookmarks: the public API of docs/architecture.md ("Public API") and its storage.
 *
 * <table>
 *   <caption>Calls</caption>
 *   <tr><th>call</th><th>answers</th></tr>
 *   <tr><td>{@code POST /api/users/{userId}/bookmarks}</td>
 *       <td>201 + bookmark + {@code Location}; with {@code Idempotency-Key}: the same answer for a
 *       retry (header {@code Idempotent-Replayed: true}), 422 for another body, 409 while the
 *       first runs</td></tr>
 *   <tr><td>{@code GET /api/users/{userId}/bookmarks?tag=&q=&limit=&cursor=}</td>
 *       <td>200 {@code {"items":[..],"nextCursor":..}}, newest first</td></tr>
 *   <tr><td>{@code GET /api/users/{userId}/bookmarks/{id}}</td><td>200 or 404</td></tr>
 *   <tr><td>{@code PUT /api/users/{userId}/bookmarks/{id}}</td><td>200 (full replace) or 404</td></tr>
 *   <tr><td>{@code DELETE /api/users/{userId}/bookmarks/{id}}</td><td>204, also when already gone</td></tr>
 *   <tr><td>{@code GET /api/users/{userId}/tags}</td><td>200 {@code [{"tag","count"}]}</td></tr>
 * </table>
 *
 * <p>{@code Idempotency-Key} is honoured on POST, the one call that is not idempotent by itself;
 * PUT and DELETE ignore it.
 *
 * <p>Every refusal is an {@code application/problem+json} body whose {@code errors} member lists
 * {@code {"field","detail"}} pairs ({@link dev.bookmarks.bookmarkservice.bookmarks.FieldError}): 400 for a
 * rule broken ({@link dev.bookmarks.bookmarkservice.bookmarks.BookmarkInput},
 * {@link dev.bookmarks.bookmarkservice.bookmarks.ListQuery}, {@link dev.bookmarks.bookmarkservice.bookmarks.Tags},
 * {@link dev.bookmarks.bookmarkservice.bookmarks.IdempotencyKey}, the user id rule of
 * {@link dev.bookmarks.ring.UserIds}), 404, 409, 413 (body over 64 KiB), 422, and 503 when the
 * database is unavailable. A refused request stores nothing.
 *
 * <p>Storage is Spring Data JDBC over the schema in {@code db/migration} (Flyway), which runs
 * unchanged on H2 in file mode (the default) and on PostgreSQL. A write is acknowledged only
 * after its transaction committed; the H2 URL's {@code WRITE_DELAY=0} makes a commit reach the
 * file before it returns.
 */
package dev.bookmarks.bookmarkservice.bookmarks;
