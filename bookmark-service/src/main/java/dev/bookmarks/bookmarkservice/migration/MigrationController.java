package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.ring.SlotHash;
import dev.bookmarks.ring.UserIds;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The source side of a slot migration: what a target shard reads from this one, all of it read-only. Only
 * another shard's signature gets a request here ({@link InternalSignatureFilter}), and it reads only slots the
 * ring migrates from here to it ({@link MigrationReaders}: 403 otherwise; the position is no slot's and open to
 * every shard); the calls and their answers are in the package documentation. Parameters are bound as text and checked here, so that every bad one is a
 * 400 naming it, as on the public API.
 */
@RestController
@RequestMapping(path = "/internal/migration", produces = MediaType.APPLICATION_JSON_VALUE)
final class MigrationController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** An Idempotency-Key as stored: 1 to 255 printable ASCII characters. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");

    private final ChangeLog changes;
    private final MigrationSource source;
    private final MigrationReaders readers;

    MigrationController(ChangeLog changes, MigrationSource source, MigrationReaders readers) {
        this.changes = changes;
        this.source = source;
        this.readers = readers;
    }

    /**
     * How long a position asked for as of an epoch waits for the shard to hold that epoch: a shard learns of a
     * new ring at once from Redis's change channel, or within its poll interval.
     */
    static final Duration EPOCH_WAIT = Duration.ofSeconds(5);

    /** The change log's position: read it before copying, and catch up from it afterwards. */
    record Position(long position, long epoch) {
    }

    /**
     * Entries after the requested seq, up to {@code position}; {@code next} is the {@code after} of the next
     * call: the last entry's seq while there are more, else {@code position} (caught up). {@code bookmarks} and
     * {@code records} are the current states, read after the entries, of the rows the entries name, each once:
     * what a target stores to replay the page, in one round trip.
     */
    record LogPage(long position, List<LogEntry> entries, long next, List<BookmarkState> bookmarks,
            List<IdempotencyRecordState> records) {
    }

    /** The current state of one row: present with its value, or absent. */
    sealed interface State {
    }

    record BookmarkState(String userId, UUID bookmarkId, boolean present, MigratedBookmark bookmark)
            implements State {
    }

    record IdempotencyRecordState(String userId, String idemKey, boolean present, MigratedIdempotencyRecord record)
            implements State {
    }

    /**
     * The position; with {@code epoch}, once this shard holds that epoch or a later one (a target asks so with
     * the epoch that froze its slots, for the last position they reach here), else 503. {@code epoch} in the
     * answer: the position was read while this shard held that epoch or a later one.
     */
    @GetMapping("/position")
    Position position(@RequestParam(name = "epoch", required = false) String epoch) {
        if (epoch == null) {
            long held = changes.heldEpoch();
            return new Position(changes.position(), held);
        }
        if (!epoch.matches("[0-9]{1,18}")) {
            throw MigrationProblems.invalid("epoch", "must be a ring epoch, a whole number");
        }
        long wanted = Long.parseLong(epoch);
        long held = changes.heldEpoch();
        OptionalLong position = changes.positionAsOf(wanted, EPOCH_WAIT);
        if (position.isEmpty()) {
            throw MigrationProblems.epochNotHeld(wanted, changes.heldEpoch());
        }
        return new Position(position.getAsLong(), Math.max(held, wanted));
    }

    @GetMapping("/slots/{slots}/bookmarks")
    MigrationSource.Page<MigratedBookmark> bookmarks(HttpServletRequest request, @PathVariable("slots") String slots,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) String limit) {
        int slotCount = changes.slotCount();
        SlotSet set = slots(slots, slotCount);
        int max = limit(limit);
        readers.requireTarget(request, set.slots());
        try {
            return source.bookmarks(set, slotCount, cursor(after), max);
        } catch (MigrationSource.BadCursorException e) {
            throw MigrationProblems.invalid("after", e.getMessage());
        }
    }

    @GetMapping("/slots/{slots}/idempotency")
    MigrationSource.Page<MigratedIdempotencyRecord> idempotencyRecords(HttpServletRequest request,
            @PathVariable("slots") String slots,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) String limit) {
        int slotCount = changes.slotCount();
        SlotSet set = slots(slots, slotCount);
        int max = limit(limit);
        readers.requireTarget(request, set.slots());
        try {
            return source.idempotencyRecords(set, slotCount, cursor(after), max);
        } catch (MigrationSource.BadCursorException e) {
            throw MigrationProblems.invalid("after", e.getMessage());
        }
    }

    /**
     * The digest of the slots ({@link SlotDigest}); Idempotency-Key records stored before {@code recordsSince}
     * (milliseconds since the epoch, default 0) are left out.
     */
    @GetMapping("/slots/{slots}/digest")
    SlotDigest digest(HttpServletRequest request, @PathVariable("slots") String slots,
            @RequestParam(name = "recordsSince", required = false) String recordsSince) {
        int slotCount = changes.slotCount();
        SlotSet set = slots(slots, slotCount);
        Instant since = Instant.EPOCH;
        if (recordsSince != null) {
            if (!recordsSince.matches("[0-9]{1,15}")) {
                throw MigrationProblems.invalid("recordsSince", "must be milliseconds since the epoch, from 0");
            }
            since = Instant.ofEpochMilli(Long.parseLong(recordsSince));
        }
        readers.requireTarget(request, set.slots());
        return source.digest(set, slotCount, since);
    }

    @GetMapping("/log")
    LogPage log(HttpServletRequest request, @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "slots", required = false) String slots,
            @RequestParam(name = "limit", required = false) String limit) {
        long from = seq(after);
        SlotSet set = slots(slots, changes.slotCount());
        int max = limit(limit);
        readers.requireTarget(request, set.slots());
        long position = changes.position();
        if (from > position) {
            throw MigrationProblems.invalid("after",
                    "is beyond this shard's change log, whose position is " + position);
        }
        List<LogEntry> entries = changes.entries(from, position, set, max + 1);
        // Read after the entries: a cleanup that deleted some before they were read has recorded it by now.
        long deletedThrough = changes.deletedThrough();
        if (from < deletedThrough) {
            throw MigrationProblems.truncated(from, deletedThrough);
        }
        boolean more = entries.size() > max;
        List<LogEntry> page = more ? List.copyOf(entries.subList(0, max)) : entries;
        Map<String, LogEntry> rows = new LinkedHashMap<>();
        page.forEach(entry -> rows.put(entry.userId() + "\u0000" + (entry.bookmarkId() != null
                ? "b" + entry.bookmarkId() : "k" + entry.idemKey()), entry));
        List<BookmarkState> bookmarks = new ArrayList<>();
        List<IdempotencyRecordState> records = new ArrayList<>();
        for (LogEntry entry : rows.values()) {
            if (entry.bookmarkId() != null) {
                bookmarks.add(bookmarkState(entry.userId(), entry.bookmarkId()));
            } else {
                records.add(recordState(entry.userId(), entry.idemKey()));
            }
        }
        return new LogPage(position, page, more ? page.get(max - 1).seq() : position, bookmarks, records);
    }

    private BookmarkState bookmarkState(String user, UUID id) {
        return source.bookmark(user, id).map(found -> new BookmarkState(user, id, true, found))
                .orElseGet(() -> new BookmarkState(user, id, false, null));
    }

    private IdempotencyRecordState recordState(String user, String idemKey) {
        return source.idempotencyRecord(user, idemKey)
                .map(found -> new IdempotencyRecordState(user, idemKey, true, found))
                .orElseGet(() -> new IdempotencyRecordState(user, idemKey, false, null));
    }

    @GetMapping("/state")
    State state(HttpServletRequest request, @RequestParam(name = "user", required = false) String user,
            @RequestParam(name = "bookmark", required = false) String bookmark,
            @RequestParam(name = "idemKey", required = false) String idemKey) {
        if (!UserIds.isValid(user)) {
            throw MigrationProblems.invalid("user", "must be a user id, " + UserIds.PATTERN);
        }
        if ((bookmark == null) == (idemKey == null)) {
            throw MigrationProblems.invalid(bookmark == null ? "bookmark" : "idemKey",
                    "name exactly one of bookmark (an id) and idemKey (an Idempotency-Key)");
        }
        if (bookmark != null) {
            if (!UUID_TEXT.matcher(bookmark).matches()) {
                throw MigrationProblems.invalid("bookmark", "must be a bookmark id, a UUID");
            }
            requireUsersSlot(request, user);
            return bookmarkState(user, UUID.fromString(bookmark));
        }
        if (!IDEMPOTENCY_KEY.matcher(idemKey).matches()) {
            throw MigrationProblems.invalid("idemKey", "must be 1 to 255 printable ASCII characters");
        }
        requireUsersSlot(request, user);
        return recordState(user, idemKey);
    }

    private void requireUsersSlot(HttpServletRequest request, String user) {
        readers.requireTarget(request, SlotHash.slotOf(user, changes.slotCount()));
    }

    private static SlotSet slots(String text, int slotCount) {
        try {
            return SlotSet.parse(text, slotCount);
        } catch (IllegalArgumentException e) {
            throw MigrationProblems.invalid("slots", e.getMessage());
        }
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        if (!text.matches("[0-9]{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_LIMIT) {
            throw MigrationProblems.invalid("limit", "must be a whole number in [1, " + MAX_LIMIT + "]");
        }
        return Integer.parseInt(text);
    }

    private static SlotCursor cursor(String text) {
        if (text == null) {
            return null;
        }
        try {
            return SlotCursor.parse(text);
        } catch (IllegalArgumentException e) {
            throw MigrationProblems.invalid("after", e.getMessage());
        }
    }

    private static long seq(String text) {
        if (text == null || !text.matches("[0-9]{1,18}")) {
            throw MigrationProblems.invalid("after", "must be a log position, a whole number from 0 (the start)");
        }
        return Long.parseLong(text);
    }
}
