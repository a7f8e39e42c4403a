package dev.bookmarks.bookmarkservice.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a shard holds of a set of slots, per user, in a form two shards can compare without sending the rows:
 * how many bookmarks and completed Idempotency-Key records, and a checksum of them. The verification step of a
 * migration compares the source's digest with the target's before anything is deleted (Vitess's VDiff, by
 * counts and checksums rather than row by row).
 *
 * <p>A row's hash is the first 8 bytes of the SHA-256 of its every stored field in a fixed order (times in
 * microseconds, tags sorted); a user's checksum is the sum of its rows' hashes modulo 2^64, so it does not depend
 * on the order rows are read in, and the digest's is the sum of its users'. Records stored before
 * {@code recordsSince} are left out on both sides: the source's expiry may delete such a record while its slot
 * is frozen, a deletion that is not a user's write and is not fenced, and the target expires it on its own.
 *
 * @param slots the slot set, as {@link SlotSet#toString()} writes it
 * @param recordsSince records stored before this instant are not counted
 * @param users how many users hold anything in the slots
 * @param bookmarks how many bookmarks
 * @param records how many completed Idempotency-Key records (stored at or after {@code recordsSince})
 * @param checksum the sum of the users' checksums, 16 hex digits
 * @param perUser each user's digest, by user id
 */
record SlotDigest(String slots, Instant recordsSince, int users, long bookmarks, long records, String checksum,
        List<UserDigest> perUser) {

    /** One user's part of a digest. */
    record UserDigest(String userId, long bookmarks, long records, String checksum) {
    }

    /** The users whose digests differ between this one and {@code other}, by id (a user missing on one side too). */
    List<String> usersDifferingFrom(SlotDigest other) {
        Map<String, UserDigest> mine = byUser(perUser);
        Map<String, UserDigest> theirs = byUser(other.perUser);
        List<String> differing = new ArrayList<>();
        TreeMap<String, Boolean> all = new TreeMap<>();
        mine.keySet().forEach(user -> all.put(user, true));
        theirs.keySet().forEach(user -> all.put(user, true));
        for (String user : all.keySet()) {
            if (!Objects.equals(mine.get(user), theirs.get(user))) {
                differing.add(user);
            }
        }
        return differing;
    }

    /** Whether both digests count and sum the same rows of the same slots. */
    boolean matches(SlotDigest other) {
        return slots.equals(other.slots) && users == other.users && bookmarks == other.bookmarks
                && records == other.records && checksum.equals(other.checksum) && usersDifferingFrom(other).isEmpty();
    }

    private static Map<String, UserDigest> byUser(List<UserDigest> digests) {
        Map<String, UserDigest> map = new TreeMap<>();
        digests.forEach(digest -> map.put(digest.userId(), digest));
        return map;
    }

    /** Adds rows up into a digest. */
    static final class Builder {

        private final String slots;
        private final Instant recordsSince;
        private final TreeMap<String, long[]> users = new TreeMap<>();
        private final MessageDigest sha256;

        Builder(SlotSet slots, Instant recordsSince) {
            this.slots = slots.toString();
            this.recordsSince = recordsSince;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        void add(MigratedBookmark b) {
            long[] user = users.computeIfAbsent(b.userId(), id -> new long[3]);
            user[0]++;
            user[2] += hash("b", b.id().toString(), b.userId(), b.url(), b.title(), b.notes(),
                    String.join("\u0000", b.tags().stream().sorted().toList()), micros(b.createdAt()),
                    micros(b.updatedAt()));
        }

        void add(MigratedIdempotencyRecord r) {
            if (r.storedAt().isBefore(recordsSince)) {
                return;
            }
            long[] user = users.computeIfAbsent(r.userId(), id -> new long[3]);
            user[1]++;
            user[2] += hash("k", r.userId(), r.idemKey(), r.fingerprint(), Integer.toString(r.status()),
                    String.valueOf(r.location()), String.valueOf(r.responseBody()), micros(r.storedAt()));
        }

        SlotDigest build() {
            List<UserDigest> perUser = new ArrayList<>(users.size());
            long bookmarks = 0;
            long records = 0;
            long sum = 0;
            for (Map.Entry<String, long[]> user : users.entrySet()) {
                long[] counts = user.getValue();
                perUser.add(new UserDigest(user.getKey(), counts[0], counts[1], hex(counts[2])));
                bookmarks += counts[0];
                records += counts[1];
                sum += counts[2];
            }
            return new SlotDigest(slots, recordsSince, perUser.size(), bookmarks, records, hex(sum),
                    List.copyOf(perUser));
        }

        private long hash(String... fields) {
            sha256.reset();
            for (String field : fields) {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                // Length-prefixed, so that no two field lists hash the same text.
                sha256.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                sha256.update((byte) ':');
                sha256.update(bytes);
            }
            byte[] digest = sha256.digest();
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (digest[i] & 0xFF);
            }
            return value;
        }

        private static String micros(Instant instant) {
            return Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, instant));
        }

        private static String hex(long value) {
            return HexFormat.of().toHexDigits(value);
        }
    }
}
