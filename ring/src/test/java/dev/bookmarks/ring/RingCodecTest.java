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
        future[4] = 2;
        assertThatThrownBy(() -> Ring.fromBytes(future))
                .hasMessage("unsupported ring format version 2 (this reader understands version 1)");

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

    private static byte[] withCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
