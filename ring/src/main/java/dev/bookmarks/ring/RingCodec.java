package dev.bookmarks.ring;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The ring's wire format, version 1. All integers are unsigned and big-endian.
 *
 * <pre>
 *   offset  size  field
 *   0       4     magic "BMRG"
 *   4       1     format version: 1
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
 *   end - 4 4     CRC-32C of every byte before it
 * </pre>
 *
 * A 16384-slot ring of up to 256 shards takes 16 KiB plus about 40 bytes a shard. A reader refuses
 * any version it does not know, so a new field means a new version, never a reinterpretation.
 */
final class RingCodec {

    static final int MAGIC = 0x424D5247; // "BMRG"
    static final byte VERSION = 1;
    private static final int HEADER = 16;
    private static final int TRAILER = 4;

    private RingCodec() {
    }

    static byte[] encode(long epoch, Shard[] shards, char[] table) {
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

        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(MAGIC).put(VERSION).putLong(epoch)
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
            if (version != VERSION) {
                throw new RingFormatException("unsupported ring format version " + version
                        + " (this reader understands version " + VERSION + ")");
            }
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
            if (in.remaining() != tableBytes + TRAILER) {
                throw new RingFormatException((in.remaining() < tableBytes + TRAILER ? "truncated" : "invalid")
                        + " ring: the slot table and checksum need " + (tableBytes + TRAILER)
                        + " bytes after offset " + in.position() + ", found " + in.remaining());
            }
            char[] table = new char[slotCount];
            for (int slot = 0; slot < slotCount; slot++) {
                table[slot] = wide ? in.getChar() : (char) (in.get() & 0xFF);
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
            return new Ring(epoch, shards, table);
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
