package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XxHash64Test {

    private static final long PRIME32 = 2654435761L;
    private static final long PRIME64 = 0x9E3779B185EBCA8DL; // 11400714785074694797, not XXH64's PRIME64_1

    /**
     * The reference implementation's published vectors: xxHash's {@code cli/xsum_sanity_check.c},
     * table {@code XSUM_XXH64_testdata}, over the prefixes of the buffer its
     * {@code XSUM_fillTestBuffer} makes.
     */
    @ParameterizedTest(name = "XXH64(sanity buffer[0..{0}), seed {1}) = {2}")
    @CsvSource({
            "0,   0,          EF46DB3751D8E999",
            "0,   2654435761, AC75FDA2929B17EF",
            "1,   0,          E934A84ADB052768",
            "1,   2654435761, 5014607643A9B4C3",
            "4,   0,          9136A0DCA57457EE",
            "14,  0,          8282DCC4994E35C8",
            "14,  2654435761, C3BD6BF63DEB6DF0",
            "222, 0,          B641AE8CB691C174",
            "222, 2654435761, 20CB8AB7AE10C14A"})
    void matchesTheReferenceSanityVectors(int length, long seed, String expectedHex) {
        String input = new String(sanityBuffer(length), StandardCharsets.ISO_8859_1);

        assertThat(XxHash64.hash(input, seed)).isEqualTo(Long.parseUnsignedLong(expectedHex, 16));
    }

    /**
     * Values printed by the reference command line tool, {@code printf '%s' ID | xxhsum -H1 -}
     * (xxhsum 0.8.1), for inputs of every tail length the algorithm distinguishes: under 4, 4 to
     * 7, 8 to 31, and 32 and over with and without a tail.
     */
    @ParameterizedTest(name = "XXH64(\"{0}\") = {1}")
    @CsvSource({
            "a,                                  D24EC4F1A98C6E5B",
            "alice,                              73A3EA485F2E6049",
            "bob,                                92878A3B42BAD03B",
            "a.b_c-d,                            97D5C09A08A88909",
            "alice-1234567890,                   CC43D76AA3345AC9",
            "user_0000000001,                    5466BB4EA385164C",
            "The.quick.brown.fox,                FB81C07D47EE7652",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef,   9BDDAC70824EDEDE",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.., BC874C0F6272EB2E",
            "The quick brown fox jumps over the lazy dog, 0B242D361FDA71BC"})
    void matchesTheReferenceCommandLineTool(String input, String expectedHex) {
        assertThat(XxHash64.hash(input, 0)).isEqualTo(Long.parseUnsignedLong(expectedHex, 16));
    }

    /** {@code XSUM_fillTestBuffer}: byte i is the top byte of PRIME32 * PRIME64^i (mod 2^64). */
    private static byte[] sanityBuffer(int length) {
        byte[] buffer = new byte[length];
        long generator = PRIME32;
        for (int i = 0; i < length; i++) {
            buffer[i] = (byte) (generator >>> 56);
            generator *= PRIME64;
        }
        return buffer;
    }
}
