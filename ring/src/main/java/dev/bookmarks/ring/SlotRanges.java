package dev.bookmarks.ring;

import java.util.Arrays;

/**
 * The one text form of a set of slots, shared by every process that names one: a migration target in its
 * reports, the registry that matches them to the batch it froze, the internal API's paths and the ring console.
 * Slots ascending, each distinct one once, joined by commas, and every run of two or more consecutive slots
 * written as its first and last joined by a hyphen: {@code {40, 0, 1, 2, 3}} is {@code "0-3,40"}, {@code {7}}
 * is {@code "7"}, {@code {5, 6}} is {@code "5-6"}. Two sets are equal exactly when their texts are.
 */
public final class SlotRanges {

    private SlotRanges() {
    }

    /**
     * Returns the text of these slots, given in any order, repeats allowed.
     *
     * @param slots at least one, each at least 0
     * @throws IllegalArgumentException if {@code slots} is empty or holds a negative slot
     */
    public static String format(int[] slots) {
        if (slots.length == 0) {
            throw new IllegalArgumentException("a slot set names at least one slot");
        }
        int[] sorted = slots.clone();
        Arrays.sort(sorted);
        if (sorted[0] < 0) {
            throw new IllegalArgumentException("slots are at least 0: " + sorted[0]);
        }
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) {
                j++;
            }
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(sorted[i]);
            if (sorted[j] > sorted[i]) {
                text.append('-').append(sorted[j]);
            }
            i = j + 1;
        }
        return text.toString();
    }
}
