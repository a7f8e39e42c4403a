package dev.bookmarks.ring;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The ring's wire format, versions 1 and 2. All integers are unsigned and big-endian. Version 2 is
 * version 1 with the migrating slots after the slot table; a ring with no slot migrating is always
 * written as version 1, byte for byte as before version 2 existed, so its bytes (and any signature over
 * them) do not change, and a version 2 ring always has at least one migration. So each ring has exactly
 * one encoding.
 *
 * <pre>
 *   offset  size  field
 *   0       4     magic "BMRG"
 *   4       1     format version: 1 without migrations, 2 with
 *   5       8     epoch (>= 1)
 *   13      1     log2(slot count): 10..20
 *   14      2     shard count n: 1..65535
 *   16            n directory entries, sorted by id:
 *                   1  id length, then the id (ASCII)
 *                   2  url length, then the url (UTF-8)
 *                   2  weight
 *                   1  state: 0 ACTIVE, 1 DRAINING
 *                 slot table: for each slot in order, the owner's directory index,
 *                   1 byte when n <= 256, else 2 bytes
 *                 version 2 only, the migrations:
 *                   4  migration count m: 1..slot count
 *                   m entries, slots strictly ascending:
 *                     4  slot: 0..slot count - 1
 *                     2  the target's directory index: 0..n - 1, not the slot's owner
 *                     1  phase: 0 COPYING, 1 FROZEN
 *   end - 4 4     CRC-32C of every byte before it
 * </pre>
 *
 * A 16384-slot ring of up to 256 shards takes 16 KiB plus about 40 bytes a shard, and 7 bytes a
 * migrating slot. A reader refuses any version it does not know, so a new field means a new version,
 * never a reinterpretation.
 */
final class RingCodec {

    static final int MAGIC = 0x424D5247; // "BMRG"
    static final byte VERSION = 1;
    static final byte VERSION_WITH_MIGRATIONS = 2;
    private static final int HEADER = 16;
    private static final int TRAILER = 4;
    private static final int MIGRATION_COUNT = 4;
    private static final int MIGRATION_ENTRY = 4 + 2 + 1;

    private RingCodec() {
    }

    /** {@code migrating} ascending, with {@code targets} and {@code phases} as long, as {@link Ring} holds them. */
    static byte[] encode(long epoch, Shard[] shards, char[] table, int[] migrating, char[] targets,
            MigrationPhase[] phases) {
        byte[][] ids = new byte[shards.length][];
        byte[][] urls = new byte[shards.length][];
        int size = HEADER;
        for (int i = 0; i < shards.length; i++) {
            ids[i] = shards[i].id().getBytes(StandardCharsets.US_ASCII);
            urls[i] = shards[i].url().toString().getBytes(StandardCharsets.UTF_8);
            size += 1 + ids[i].length + 2 + urls[i].length + 2 + 1;
        }
        boolean wide = shards.length > 256;
        size += table.length * (wide ? 2 : 1) + TRAILER;
        boolean migrations = migrating.length > 0;
        if (migrations) {
            size += MIGRATION_COUNT + migrating.length * MIGRATION_ENTRY;
        }

        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(MAGIC).put(migrations ? VERSION_WITH_MIGRATIONS : VERSION).putLong(epoch)
                .put((byte) Integer.numberOfTrailingZeros(table.length))
                .putShort((short) shards.length);
        for (int i = 0; i < shards.length; i++) {
            out.put((byte) ids[i].length).put(ids[i]);
            out.putShort((short) urls[i].length).put(urls[i]);
            out.putShort((short) shards[i].weight());
            out.put((byte) shards[i].state().ordinal());
        }
        for (char owner : table) {
            if (wide) {
                out.putChar(owner);
            } else {
                out.put((byte) owner);
            }
        }
        if (migrations) {
            out.putInt(migrating.length);
            for (int i = 0; i < migrating.length; i++) {
                out.putInt(migrating[i]).putChar(targets[i]).put((byte) phases[i].ordinal());
            }
        }
        out.putInt((int) crc(out.array(), size - TRAILER));
        return out.array();
    }

    static Ring decode(byte[] bytes) {
        if (bytes == null) {
            throw new RingFormatException("no ring: the input is null");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (bytes.length < HEADER + TRAILER) {
                throw new RingFormatException("truncated ring: " + bytes.length
                        + " bytes is shorter than the smallest possible ring");
            }
            int magic = in.getInt();
            if (magic != MAGIC) {
                throw new RingFormatException(String.format(
                        "not a ring: magic is 0x%08X, expected 0x%08X (\"BMRG\")", magic, MAGIC));
            }
            int version = in.get() & 0xFF;
            if (version != VERSION && version != VERSION_WITH_MIGRATIONS) {
                throw new RingFormatException("unsupported ring format version " + version
                        + " (this reader understands versions " + VERSION + " and " + VERSION_WITH_MIGRATIONS + ")");
            }
            boolean migrations = version == VERSION_WITH_MIGRATIONS;
            long epoch = in.getLong();
            int log2Slots = in.get() & 0xFF;
            int shardCount = in.getShort() & 0xFFFF;
            if (log2Slots < 10 || log2Slots > 20) {
                throw new RingFormatException("invalid ring: log2(slot count) must be in [10, 20]: " + log2Slots);
            }
            if (shardCount < 1) {
                throw new RingFormatException("invalid ring: it has no shards");
            }
            int slotCount = 1 << log2Slots;
            String[] ids = new String[shardCount];
            String[] urls = new String[shardCount];
            int[] weights = new int[shardCount];
            int[] states = new int[shardCount];
            for (int i = 0; i < shardCount; i++) {
                ids[i] = new String(take(in, in.get() & 0xFF, "shard id"), StandardCharsets.US_ASCII);
                urls[i] = new String(take(in, in.getShort() & 0xFFFF, "shard url"), StandardCharsets.UTF_8);
                weights[i] = in.getShort() & 0xFFFF;
                states[i] = in.get() & 0xFF;
            }
            boolean wide = shardCount > 256;
            int tableBytes = slotCount * (wide ? 2 : 1);
            if (!migrations && in.remaining() != tableBytes + TRAILER) {
                throw new RingFormatException((in.remaining() < tableBytes + TRAILER ? "truncated" : "invalid")
                        + " ring: the slot table and checksum need " + (tableBytes + TRAILER)
                        + " bytes after offset " + in.position() + ", found " + in.remaining());
            }
            if (migrations && in.remaining() < tableBytes + MIGRATION_COUNT + TRAILER) {
                throw new RingFormatException("truncated ring: the slot table, migration count and checksum need "
                        + (tableBytes + MIGRATION_COUNT + TRAILER) + " bytes after offset " + in.position()
                        + ", found " + in.remaining());
            }
            char[] table = new char[slotCount];
            for (int slot = 0; slot < slotCount; slot++) {
                table[slot] = wide ? in.getChar() : (char) (in.get() & 0xFF);
            }
            int[] migrating = new int[0];
            char[] targets = new char[0];
            int[] phases = new int[0];
            if (migrations) {
                // Compared as longs: an unsigned count near 2^32 must not overflow into a small size.
                long count = in.getInt() & 0xFFFFFFFFL;
                long need = count * MIGRATION_ENTRY + TRAILER;
                if (in.remaining() != need) {
                    throw new RingFormatException((in.remaining() < need ? "truncated" : "invalid")
                            + " ring: a migration count of " + count + " and the checksum need " + need
                            + " bytes after offset " + in.position() + ", found " + in.remaining());
                }
                migrating = new int[(int) count];
                targets = new char[(int) count];
                phases = new int[(int) count];
                for (int i = 0; i < count; i++) {
                    migrating[i] = in.getInt();
                    targets[i] = in.getChar();
                    phases[i] = in.get() & 0xFF;
                }
            }
            int stored = in.getInt();
            int computed = (int) crc(bytes, bytes.length - TRAILER);
            if (stored != computed) {
                throw new RingFormatException(String.format(
                        "corrupt ring: CRC-32C is 0x%08X, the bytes give 0x%08X", stored, computed));
            }
            Shard[] shards = new Shard[shardCount];
            for (int i = 0; i < shardCount; i++) {
                if (states[i] >= ShardState.values().length) {
                    throw new RingFormatException("invalid ring: shard " + Shard.quote(ids[i])
                            + " has unknown state " + states[i]);
                }
                shards[i] = new Shard(ids[i], new URI(urls[i]), weights[i], ShardState.values()[states[i]]);
            }
            if (migrations && migrating.length == 0) {
                throw new RingFormatException("invalid ring: version " + VERSION_WITH_MIGRATIONS
                        + " lists no migrations; a ring without any is written as version " + VERSION);
            }
            MigrationPhase[] migrationPhases = new MigrationPhase[phases.length];
            for (int i = 0; i < phases.length; i++) {
                // Unsigned, as written: the ring's own check would print a slot past 2^31 as negative.
                if (Integer.compareUnsigned(migrating[i], slotCount) >= 0) {
                    throw new RingFormatException("invalid ring: migration " + i + " names slot "
                            + Integer.toUnsignedString(migrating[i]) + ", but slots are in [0, " + slotCount + ")");
                }
                if (phases[i] >= MigrationPhase.values().length) {
                    throw new RingFormatException("invalid ring: slot " + migrating[i]
                            + " has unknown migration phase " + phases[i]);
                }
                migrationPhases[i] = MigrationPhase.values()[phases[i]];
            }
            return new Ring(epoch, shards, table, migrating, targets, migrationPhases);
        } catch (BufferUnderflowException e) {
            throw new RingFormatException("truncated ring: it ends at byte " + bytes.length
                    + " inside the shard directory", e);
        } catch (IllegalArgumentException | URISyntaxException e) {
            throw new RingFormatException("invalid ring: " + e.getMessage(), e);
        }
    }

    private static byte[] take(ByteBuffer in, int length, String what) {
        if (in.remaining() < length) {
            throw new RingFormatException("truncated ring: a " + what + " of " + length
                    + " bytes at offset " + in.position() + " has only " + in.remaining() + " left");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
