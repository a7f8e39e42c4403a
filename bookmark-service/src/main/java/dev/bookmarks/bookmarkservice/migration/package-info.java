/**
 * The source side of online resharding: what a shard gives the shard that takes over some of its slots.
 *
 * <p>The design: the target B pulls a moving slot's data from the source A over an internal, signed
 * shard-to-shard API. First it reads A's change-log position, then every row of the slot (bookmarks with their
 * tags, completed Idempotency-Key records), which it upserts, so that a restart just copies again; then A's
 * change log from that position, fetching each changed row's <em>current</em> state, or its absence, from A.
 * Replaying current state makes the catch-up idempotent and independent of order. This package is A's part.
 *
 * <h2>The change log</h2>
 *
 * <p>Table {@code change_log} ({@code V2__change_log.sql}): {@code seq}, {@code slot}, {@code user_id}, and
 * either {@code bookmark_id} or {@code idem_key}, with {@code changed_at}. {@link
 * dev.bookmarks.bookmarkservice.migration.ChangeLog} appends one row, in the transaction of the change, for
 * every bookmark create, replace and delete (a delete that found nothing changed nothing and logs nothing), for
 * every Idempotency-Key completion, and for every completed record the Idempotency-Key cleanup deletes. Claims,
 * takeovers and releases of records in progress are not logged: no target holds such a record. The slot is
 * {@code SlotHash.slotOf(user, slot count)} of the ring the shard holds; before the first ring a write is
 * refused (503), as the ownership filter refuses every user request then.
 *
 * <p><b>The position.</b> {@code GET /internal/migration/position} answers the highest seq such that no entry
 * at or below it can still commit: every appending transaction holds a lock stripe from before its first seq
 * until it ends, and reading the position takes every stripe first ({@code ChangeLog}). A target that starts
 * from that position and later reads entries up to a later position therefore misses no change, although
 * transactions commit in another order than they take seqs.
 *
 * <p><b>Retention.</b> {@code ChangeLogCleanup} deletes entries older than
 * {@code bookmarks.shard.migration.log-retention} (24 h by default, 1 h to 30 d) every
 * {@code bookmarks.shard.migration.log-cleanup-interval} (15 min, 1 min to 1 d), keeping the newest entry so
 * that the position never goes back, and records the highest seq it deleted: a log read from an older
 * position is answered 410, never with entries silently missing.
 *
 * <h2>The internal API</h2>
 *
 * <p>On the public port, under {@code /internal/migration/}, GET only, JSON; {@code limit} is in [1, 1000]
 * (default 100); a slot set is a slot or a comma-separated list of slots and ranges ({@code 7},
 * {@code 0-15,40}) within [0, slot count).
 * <table>
 *   <caption>Calls</caption>
 *   <tr><th>call</th><th>answer</th></tr>
 *   <tr><td>{@code /position?epoch=}</td><td>{@code {"position":1234,"epoch":17}}; with {@code epoch}, read
 *       once this shard holds that epoch or a later one (503 if it does not within 5 s): asked with the epoch
 *       that froze some slots, it is the last position those slots reach here (the write fence,
 *       {@code ChangeLog})</td></tr>
 *   <tr><td>{@code /slots/{set}/bookmarks?after=&limit=}</td>
 *       <td>{@code {"items":[{"id","userId","url","title","notes","tags":[..],"createdAt","updatedAt"}],
 *       "next":"alice:1764676800123456:0193..."}}, in (user id, newest first) order</td></tr>
 *   <tr><td>{@code /slots/{set}/idempotency?after=&limit=}</td>
 *       <td>{@code {"items":[{"userId","idemKey","fingerprint","status","location","responseBody","storedAt"}],
 *       "next":"alice:k-1"}}, completed records only, in (user id, key) order</td></tr>
 *   <tr><td>{@code /log?after=<seq>&slots=<set>&limit=}</td>
 *       <td>{@code {"position":1300,"entries":[{"seq","slot","userId","bookmarkId","idemKey","changedAt"}],
 *       "next":1300}}: entries after {@code after} up to {@code position}, in seq order; {@code next} is the
 *       next call's {@code after}, equal to {@code position} once caught up</td></tr>
 *   <tr><td>{@code /state?user=&bookmark=<id>}</td>
 *       <td>{@code {"userId","bookmarkId","present":true,"bookmark":{..}}}, or {@code "present":false,
 *       "bookmark":null}</td></tr>
 *   <tr><td>{@code /state?user=&idemKey=<key>}</td>
 *       <td>{@code {"userId","idemKey","present":..,"record":{..}|null}}; a record in progress is absent</td></tr>
 * </table>
 * A walk is complete when {@code next} is null; pass {@code next} back as {@code after}, as it is (query-encoded).
 * A page may be short, even empty, with a {@code next}: one request scans at most 10,000 users. Refusals are
 * problem+json: 400 naming the parameter (a slot outside the ring names the range), 401 without a valid
 * shard-to-shard signature, 410 when the log's retention deleted entries after {@code after}, 503 before the
 * first ring or when the database is away.
 *
 * <p><b>Cost.</b> No table stores the slot, so a walk reads the whole shard's user index once and hashes every
 * user: ask for all the slots that move to one target as one set, not slot by slot.
 *
 * <h2>Signatures</h2>
 *
 * <p>Only another shard's signature opens these paths ({@link
 * dev.bookmarks.bookmarkservice.migration.InternalSignatureFilter}), and a gateway's never does: the gateway
 * signature filter skips {@code /internal/}, this one guards nothing else. The form, {@code i1}
 * ({@code InternalRequest}), covers method, raw path, raw query, calling and called shard ids, timestamp, nonce
 * and body digest, HMAC-SHA256 under {@code InternalSecret.derive("shard-to-shard-request/v1")} of the shared
 * internal secret, in headers of its own ({@code X-Bookmarks-Internal-Caller}, {@code -Timestamp},
 * {@code -Nonce}, {@code -Signature}). The gateway's form was not reused because it vouches for a user and an
 * epoch, which a shard-to-shard read has not; a separate key makes a signature of either kind useless as the
 * other. The window is the gateways' ({@code bookmarks.shard.trust.window}), every secret of a rotation is
 * accepted, and each nonce once.
 *
 * <h2>What the next step must add</h2>
 *
 * <ul>
 *   <li><b>Pin the position.</b> The retention cleanup deletes by age alone. While a migration of some slots is
 *       in progress, the source must keep every entry of those slots after the position the target last
 *       reached: the target reports its position (or the source records it when it serves the log), and the
 *       cleanup deletes no entry above the lowest pinned position, until the migration is cut over or aborted.
 *       Until then a copy and its catch-up must finish within the retention, and a 410 says when one did not.</li>
 *   <li><b>Authorise by the ring.</b> Any holder of the internal secret may read any slot today. The source
 *       should serve a caller only the slots the ring's migrations ({@code SlotMigration}) move to it.</li>
 *   <li><b>The target side</b>: the copy and upserts, the catch-up loop, signing with
 *       {@code InternalRequestSigner}; then the freeze, in which the source refuses writes to the frozen slots and
 *       the target drains the log up to a position read after the freeze (the position waits for writes still
 *       committing), the cutover, and the deletion of the moved rows on the source.</li>
 * </ul>
 */
package dev.bookmarks.bookmarkservice.migration;
