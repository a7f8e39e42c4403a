package dev.bookmarks.benchmarks;

import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

/**
 * Distinct random user IDs from a seeded {@link Random}: 8 to 16 characters from
 * {@code [a-z0-9._]}, all valid by the product's rule. The same seed always gives the same
 * sequence, and a shorter run is a prefix of a longer one, so the lookup benchmark's keys are the
 * first of the users the distribution is measured on.
 */
final class RandomUserIds {

    /** The seed every benchmark uses. */
    static final long SEED = 20_240_601L;

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789._";
    private static final int MIN_LENGTH = 8;
    private static final int MAX_LENGTH = 16;

    private RandomUserIds() {
    }

    static String[] generate(int count, long seed) {
        Random random = new Random(seed);
        Set<String> ids = new LinkedHashSet<>(count * 2);
        char[] buffer = new char[MAX_LENGTH];
        while (ids.size() < count) {
            int length = MIN_LENGTH + random.nextInt(MAX_LENGTH - MIN_LENGTH + 1);
            for (int i = 0; i < length; i++) {
                buffer[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            ids.add(new String(buffer, 0, length));
        }
        return ids.toArray(String[]::new);
    }
}
