package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RingCodecTest {

    private static final List<Shard> THREE = List.of(
            Shard.active("shard-1", "http://127.0.0.1:9001", 1),
            Shard.active("shard-2", "http://127.0.0.1:9002", 2),
            new Shard("shard-3", Shard.parseUrl("https://shard-3.internal:8443/base"), 1, ShardState.DRAINING));

    @Test
    void roundTripsARingExactly() {
        Ring ring = Ring.create(16384, THREE).rebalance(THREE);

        Ring parsed = Ring.fromBytes(ring.toBytes());

        assertThat(parsed).isEqualTo(ring);
        assertThat(parsed.epoch()).isEqualTo(2);
        assertThat(parsed.shards()).isEqualTo(ring.shards());
        for (int slot = 0; slot < ring.slotCount(); slot++) {
            assertThat(parsed.ownerOfSlot(slot)).isEqualTo(ring.ownerOfSlot(slot));
        }
    }

    @Test
    void roundTripsTheLargestSlotCountAndMoreThan256Shards() {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            shards.add(Shard.active(String.format("shard-%04d", i), "http://10.0.0.1:" + (10000 + i), 1 + i % 10));
        }
        Ring ring = Ring.create(1 << 20, shards);

        assertThat(Ring.fromBytes(ring.toBytes())).isEqualTo(ring);
    }

    @Test
    void keepsASixteenThousandSlotRingToTensOfKilobytes() {
        List<Shard> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(Shard.active(String.format("shard-%04d", i), "http://10.0.0.1:" + (10000 + i), 1));
        }

        // 16384 one-byte owners plus the directory; two bytes an owner past 256 shards.
        assertThat(Ring.create(16384, THREE).toBytes()).hasSizeLessThan(16 * 1024 + 200);
        assertThat(Ring.create(16384, many).toBytes()).hasSizeLessThan(32 * 1024 + 1000 * 40);
    }

    @Test
    void writesTheDocumentedHeader() {
        byte[] bytes = Ring.create(1024, THREE).toBytes();
        ByteBuffer in = ByteBuffer.wrap(bytes);

        assertThat(in.getInt()).isEqualTo(0x424D5247);
        assertThat(in.get()).isEqualTo((byte) 1);
        assertThat(in.getLong()).isEqualTo(1L);
        assertThat(in.get()).isEqualTo((byte) 10);
        assertThat(in.getShort()).isEqualTo((short) 3);
        assertThat(in.get()).isEqualTo((byte) 7);
        byte[] id = new byte[7];
        in.get(id);
        assertThat(new String(id, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("shard-1");
        assertThat(bytes).hasSize(16 + 3 * (1 + 7 + 2 + 2 + 1) + 21 + 21 + 34 + 1024 + 4);
    }

    /**
     * Pins format version 1 byte for byte: a change here breaks every ring already in Redis, so it
     * needs a new version number, not a new digest.
     */
    @Test
    void encodesVersionOneStably() throws Exception {
        byte[] bytes = Ring.create(1024, THREE).rebalance(THREE.subList(0, 2)).toBytes();

        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        assertThat(digest).isEqualTo(VERSION_1_DIGEST);
    }

    private static final String VERSION_1_DIGEST =
            "0a524ee6cde6c10160cc3d7e1edef5a92299a591986823fd0e06d843fbd15edb";

    @Test
    void refusesEveryTruncationWithAClearMessage() {
        byte[] bytes = Ring.create(1024, THREE).toBytes();

        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> Ring.fromBytes(truncated))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(RingFormatException.class)
                    .hasMessageStartingWith("truncated ring");
        }
    }

    @Test
    void refusesEverySingleBitFlip() {
        byte[] bytes = Ring.create(1024, THREE).toBytes();

        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> Ring.fromBytes(flipped))
                    .as("bit %d flipped", bit)
                    .isInstanceOf(RingFormatException.class);
        }
    }

    @Test
    void saysWhichCheckFailed() {
        byte[] bytes = Ring.create(1024, THREE).toBytes();

        byte[] badMagic = bytes.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> Ring.fromBytes(badMagic))
                .hasMessage("not a ring: magic is 0x584D5247, expected 0x424D5247 (\"BMRG\")");

        byte[] future = bytes.clone();
        future[4] = 3;
        assertThatThrownBy(() -> Ring.fromBytes(future))
                .hasMessage("unsupported ring format version 3 (this reader understands versions 1 and 2)");

        byte[] flippedTable = bytes.clone();
        flippedTable[bytes.length - 10] ^= 1;
        assertThatThrownBy(() -> Ring.fromBytes(flippedTable)).hasMessageStartingWith("corrupt ring: CRC-32C is ");

        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> Ring.fromBytes(trailing)).hasMessageStartingWith("invalid ring: the slot table");

        assertThatThrownBy(() -> Ring.fromBytes(null)).hasMessage("no ring: the input is null");
        assertThatThrownBy(() -> Ring.fromBytes(new byte[0]))
                .hasMessage("truncated ring: 0 bytes is shorter than the smallest possible ring");
        assertThatThrownBy(() -> Ring.fromBytes("garbage that is not a ring".getBytes()))
                .hasMessageStartingWith("not a ring: magic is ");
    }

    /** A writer with a bug (or another program) can produce a valid checksum over a bad ring. */
    @Test
    void refusesAWellFramedRingWhoseContentIsInvalid() {
        byte[] bytes = Ring.create(1024, THREE).toBytes();

        byte[] ownerOutOfRange = bytes.clone();
        ownerOutOfRange[bytes.length - 5] = 3;
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(ownerOutOfRange)))
                .hasMessage("invalid ring: slot 1023 names shard index 3, but there are 3 shards");

        byte[] zeroEpoch = bytes.clone();
        Arrays.fill(zeroEpoch, 5, 13, (byte) 0);
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(zeroEpoch))).hasMessage("invalid ring: epoch must be >= 1: 0");

        byte[] badState = bytes.clone();
        // header, id length, "shard-1", url length, its 21-byte url, weight: then the state
        badState[16 + 1 + 7 + 2 + 21 + 2] = 9;
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(badState)))
                .hasMessage("invalid ring: shard \"shard-1\" has unknown state 9");

        byte[] badSlots = bytes.clone();
        badSlots[13] = 9;
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(badSlots)))
                .hasMessage("invalid ring: log2(slot count) must be in [10, 20]: 9");
    }

    private static final Shard A = Shard.active("a", "http://127.0.0.1:9001", 1);
    private static final Shard B = Shard.active("b", "http://127.0.0.1:9002", 1);
    private static final Shard C = Shard.active("c", "http://127.0.0.1:9003", 1);

    /**
     * Epoch 3 of a 1024-slot ring that c joins (see RingMigrationTest): slot 342 COPYING from a to c,
     * slot 1023 FROZEN from b to c. Directory entries a, b, c take 28 bytes each (1 + 1 + 2 + 21 + 2 + 1),
     * so the table starts at 16 + 84 = 100 and the migration section at 1124.
     */
    private static Ring migrating() {
        Ring ring = Ring.create(1024, List.of(A, B));
        return ring.startMigration(ring.plan(List.of(A, B, C)), new int[] {342, 1023}).freeze(new int[] {1023});
    }

    /**
     * Version 2 must not change any ring that has no migrations: these digests and checksums were taken
     * from the encoder before version 2 existed, so rings in Redis and their signatures stay valid.
     */
    @Test
    void writesARingWithoutMigrationsAsVersionOneByteForByteAsBeforeMigrationsExisted() throws Exception {
        Ring ab = Ring.create(1024, List.of(A, B));
        List<Shard> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(Shard.active(String.format("shard-%04d", i), "http://10.0.0.1:" + (10000 + i), 1 + i % 3));
        }

        assertEncoding(ab, 1100, 0x643A55D3, "4f92ccf01d9af438c24ea7e354d4637266dc2fc33bf7a4847044ffb7b0a86c81");
        assertEncoding(ab.rebalance(List.of(A, B, C)), 1128, 0xBAD02B8E,
                "85a59bd5c6c10246e0ae231f6238f6b60ad2557ce39fb52bd1c775a857474eb1");
        assertEncoding(Ring.create(4096, many), 19312, 0x9F65580F,
                "4f92ce6c1ba799a899f96d675911c2635e213c1771693b4ed1568f50de4f1277");
        // Once its last migration ends, a ring is written as version 1 again.
        Ring aborted = migrating().abort(new int[] {342, 1023});
        assertThat(aborted.toBytes()[4]).isEqualTo((byte) 1);
        assertThat(aborted.toBytes()).isEqualTo(new Ring(4, new Shard[] {A, B, C}, aborted.table()).toBytes());
        assertThat(Ring.fromBytes(aborted.toBytes())).isEqualTo(aborted);
    }

    private static void assertEncoding(Ring ring, int length, int crc, String sha256) throws Exception {
        byte[] bytes = ring.toBytes();
        assertThat(bytes).hasSize(length);
        assertThat(bytes[4]).isEqualTo((byte) 1);
        assertThat(ByteBuffer.wrap(bytes).getInt(length - 4)).isEqualTo(crc);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(sha256);
    }

    @Test
    void roundTripsARingWithMigrationsAsVersionTwo() {
        Ring ring = migrating();

        byte[] bytes = ring.toBytes();
        Ring parsed = Ring.fromBytes(bytes);

        assertThat(bytes[4]).isEqualTo((byte) 2);
        assertThat(parsed).isEqualTo(ring);
        assertThat(parsed.epoch()).isEqualTo(3);
        assertThat(parsed.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.COPYING));
        assertThat(parsed.migrationOf(1023)).contains(new SlotMigration(1023, B, C, MigrationPhase.FROZEN));
        assertThat(parsed.toBytes()).isEqualTo(bytes);
    }

    @Test
    void roundTripsMigrationsOnTheLargestSlotCountAndMoreThan256Shards() {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            shards.add(Shard.active(String.format("shard-%04d", i), "http://10.0.0.1:" + (10000 + i), 1 + i % 10));
        }
        Ring ring = Ring.create(1 << 20, shards.subList(0, 999));
        MovePlan plan = ring.plan(shards);
        int[] moving = plan.slots();
        Ring migrating = ring.startMigration(plan, moving).freeze(Arrays.copyOf(moving, moving.length / 2));

        byte[] bytes = migrating.toBytes();

        assertThat(moving.length).isGreaterThan(1000);
        assertThat(bytes[4]).isEqualTo((byte) 2);
        assertThat(Ring.fromBytes(bytes)).isEqualTo(migrating);
        // The directory gains "shard-0999" (1 + 10 + 2 + 21 + 2 + 1 bytes); then a count and 7 bytes a slot.
        assertThat(bytes).hasSize(ring.toBytes().length + 37 + 4 + 7 * moving.length);
    }

    @Test
    void writesTheDocumentedMigrationSection() {
        byte[] bytes = migrating().toBytes();
        ByteBuffer in = ByteBuffer.wrap(bytes);

        assertThat(bytes).hasSize(16 + 3 * 28 + 1024 + 4 + 2 * 7 + 4);
        assertThat(in.getInt(1124)).isEqualTo(2);
        assertThat(in.getInt(1128)).isEqualTo(342);
        assertThat(in.getShort(1132)).isEqualTo((short) 2);
        assertThat(in.get(1134)).isEqualTo((byte) 0);
        assertThat(in.getInt(1135)).isEqualTo(1023);
        assertThat(in.getShort(1139)).isEqualTo((short) 2);
        assertThat(in.get(1141)).isEqualTo((byte) 1);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertThat(in.getInt(bytes.length - 4)).isEqualTo((int) crc.getValue());
    }

    /** Pins format version 2 byte for byte, as {@link #encodesVersionOneStably} does version 1. */
    @Test
    void encodesVersionTwoStably() throws Exception {
        byte[] bytes = migrating().toBytes();

        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        assertThat(digest).isEqualTo(VERSION_2_DIGEST);
    }

    private static final String VERSION_2_DIGEST =
            "aa623becb09518ca6b58cfe9b2fc2c4b687b7416cee461e17883a68a84a49c2b";

    @Test
    void refusesEveryTruncationOfAVersionTwoRing() {
        byte[] bytes = migrating().toBytes();

        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> Ring.fromBytes(truncated))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(RingFormatException.class)
                    .hasMessageStartingWith("truncated ring");
        }
    }

    @Test
    void refusesEverySingleBitFlipOfAVersionTwoRing() {
        byte[] bytes = migrating().toBytes();

        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> Ring.fromBytes(flipped))
                    .as("bit %d flipped", bit)
                    .isInstanceOf(RingFormatException.class);
        }
    }

    /** COPYING to FROZEN is a valid ring too, so only the checksum can tell that a byte changed. */
    @Test
    void theChecksumCoversTheMigrationSection() {
        byte[] bytes = migrating().toBytes();
        bytes[1134] = 1;

        assertThatThrownBy(() -> Ring.fromBytes(bytes)).hasMessageStartingWith("corrupt ring: CRC-32C is ");
        assertThat(Ring.fromBytes(withCrc(bytes)).migrationOf(342).orElseThrow().phase())
                .isEqualTo(MigrationPhase.FROZEN);
    }

    @Test
    void refusesAWellFramedVersionTwoRingWhoseMigrationsAreInvalid() {
        byte[] bytes = migrating().toBytes();

        assertThatThrownBy(() -> Ring.fromBytes(withCrc(with(bytes, 1134, 2))))
                .hasMessage("invalid ring: slot 342 has unknown migration phase 2");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(with(bytes, 1134, 0xFF))))
                .hasMessage("invalid ring: slot 342 has unknown migration phase 255");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(with(bytes, 1133, 3))))
                .hasMessage("invalid ring: slot 342 migrates to shard index 3, but there are 3 shards");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(with(bytes, 1133, 0))))
                .hasMessage("invalid ring: slot 342 migrates to its own owner, shard \"a\"");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(withInt(bytes, 1128, 1024))))
                .hasMessage("invalid ring: migration 0 names slot 1024, but slots are in [0, 1024)");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(withInt(bytes, 1135, -1))))
                .hasMessage("invalid ring: migration 1 names slot 4294967295, but slots are in [0, 1024)");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(withInt(bytes, 1135, 342))))
                .hasMessage("invalid ring: migrating slots must be unique and ascending: 342, 342");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(withInt(bytes, 1124, 1))))
                .hasMessage("invalid ring: a migration count of 1 and the checksum need 11 bytes after offset 1128,"
                        + " found 18");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(withInt(bytes, 1124, -1))))
                .hasMessage("truncated ring: a migration count of 4294967295 and the checksum need 30064771069 bytes"
                        + " after offset 1128, found 18");
    }

    /** Each version's framing is its own: relabelling one as the other, even with a good checksum, fails. */
    @Test
    void refusesAVersionLabelThatDoesNotMatchTheContent() {
        byte[] v1 = Ring.create(1024, List.of(A, B)).toBytes();
        byte[] v2 = migrating().toBytes();

        assertThatThrownBy(() -> Ring.fromBytes(withCrc(with(v1, 4, 2))))
                .hasMessage("truncated ring: the slot table, migration count and checksum need 1032 bytes after"
                        + " offset 72, found 1028");
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(with(v2, 4, 1))))
                .hasMessage("invalid ring: the slot table and checksum need 1028 bytes after offset 100, found 1046");
        // Version 2 with an empty migration section: the same ring has a version 1 encoding, its only one.
        byte[] empty = Arrays.copyOf(with(v1, 4, 2), v1.length + 4);
        ByteBuffer.wrap(empty).putInt(v1.length - 4, 0);
        assertThatThrownBy(() -> Ring.fromBytes(withCrc(empty)))
                .hasMessage("invalid ring: version 2 lists no migrations; a ring without any is written as version 1");
    }

    private static byte[] with(byte[] bytes, int offset, int value) {
        byte[] copy = bytes.clone();
        copy[offset] = (byte) value;
        return copy;
    }

    private static byte[] withInt(byte[] bytes, int offset, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).putInt(offset, value);
        return copy;
    }

    private static byte[] withCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
