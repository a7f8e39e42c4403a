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
 *       "next":1300,"bookmarks":[<state>],"records":[<state>]}}: entries after {@code after} up to
 *       {@code position}, in seq order; {@code next} is the next call's {@code after}, equal to {@code position}
 *       once caught up; {@code bookmarks} and {@code records} hold the current state (as {@code /state} answers
 *       it) of each row the entries name, read after them, so a page is replayed in one round trip</td></tr>
 *   <tr><td>{@code /slots/{set}/digest?recordsSince=<ms>}</td>
 *       <td>{@code {"slots","recordsSince","users","bookmarks","records","checksum","perUser":[{"userId",
 *       "bookmarks","records","checksum"}]}}: counts and checksums of what this shard holds of the slots
 *       ({@code SlotDigest}), compared with the target's before anything is deleted</td></tr>
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
 * <h2>The write fence</h2>
 *
 * <p>A user's write commits only if, at the ring the shard holds once it has won its change-log stripe, the
 * shard owns the user's slot and the slot is not frozen ({@code ChangeLog}, {@link
 * dev.bookmarks.bookmarkservice.migration.WriteFencedException}): 503 with {@code Retry-After} for a frozen slot,
 * 421 with the epoch for a slot another shard owns. The ownership filter answers the same when a request arrives;
 * the fence catches a request that passed the filter just before the ring changed. So the position read once the
 * source holds the freezing epoch ({@code /position?epoch=}) is the last any frozen slot reaches.
 *
 * <h2>The target side</h2>
 *
 * <p>{@link dev.bookmarks.bookmarkservice.migration.ImportRunner} watches the ring. For each source with slots
 * migrating to this shard it runs a {@code SlotCopy}: the position, every row of the slots (upserts: ids and
 * times as the source has them), then the log from that position in rounds, each up to the source's position as
 * the round starts, one round trip per page (a log page carries the current state of the rows it names), all of
 * it throttled ({@code copy-rows-per-second}, Resilience4j's rate limiter). Once every slot of the source is
 * frozen it drains the log, unthrottled, to the position as of the freezing epoch, and compares the source's
 * {@code SlotDigest} with its own. It reports every step in Redis ({@code ImportReports}: phase, position, lag,
 * rows, the epoch it was made at); the registry's driver freezes on a small lag and cuts over on
 * {@code VERIFIED}. A copy whose source's log no longer reaches back (410) starts over.
 *
 * <p>A signature names the calling shard; the ring decides what it may read ({@code MigrationReaders}): the rows,
 * log and states of slots the ring this shard holds migrates from here to the caller, copying or frozen, and
 * nothing else (403; a refused read makes the shard read Redis once first, since a target may see a migration
 * before its source). The position names no slot and is open to every shard.
 *
 * <p>{@link dev.bookmarks.bookmarkservice.migration.OrphanSweeper} deletes, after a grace period, the rows of
 * slots the ring neither gives to this shard nor migrates to it: the source's after a cutover, the target's after
 * an abort.
 *
 * <h2>Not built yet</h2>
 *
 * <ul>
 *   <li><b>Pin the position.</b> The retention cleanup deletes by age alone; a copy that falls further behind
 *       than the retention (24 h) is told so (410) and copies again. Pinning the position of a copy in progress
 *       would spare it that.</li>
 * </ul>
 */
package dev.bookmarks.bookmarkservice.migration;
