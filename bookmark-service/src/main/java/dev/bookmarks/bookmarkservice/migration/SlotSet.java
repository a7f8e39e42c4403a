package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.ring.SlotRanges;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of slots as a migration target names them: a comma-separated list of slots and inclusive ranges, such
 * as {@code 7} or {@code 0-15,40,100-103}, each slot in [0, slot count) of the ring this shard holds. Kept as
 * sorted, merged ranges, so a set of any size is a handful of SQL comparisons.
 */
final class SlotSet {

    /** The most items (slots or ranges) one set may list: a set of more is written with ranges. */
    static final int MAX_ITEMS = 1024;

    private final List<int[]> ranges;

    private SlotSet(List<int[]> ranges) {
        this.ranges = ranges;
    }

    /**
     * @throws IllegalArgumentException naming the first rule {@code text} breaks: empty, not numbers and ranges,
     *     a range that runs backwards, too many items, or a slot outside [0, {@code slotCount})
     */
    static SlotSet parse(String text, int slotCount) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("name at least one slot, as in 7 or 0-15,40");
        }
        String[] items = text.split(",", -1);
        if (items.length > MAX_ITEMS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_ITEMS + " slots or ranges; write longer sets as ranges");
        }
        List<int[]> parsed = new ArrayList<>(items.length);
        for (String item : items) {
            int dash = item.indexOf('-');
            int low = slot(dash < 0 ? item : item.substring(0, dash), slotCount);
            int high = dash < 0 ? low : slot(item.substring(dash + 1), slotCount);
            if (high < low) {
                throw new IllegalArgumentException("the range " + item + " runs backwards");
            }
            parsed.add(new int[] {low, high});
        }
        parsed.sort(Comparator.comparingInt(range -> range[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] range : parsed) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], range[1]);
            } else {
                merged.add(range.clone());
            }
        }
        return new SlotSet(List.copyOf(merged));
    }

    /** The set of these slots, each in [0, {@code slotCount}), in any order; at least one. */
    static SlotSet of(int[] slots, int slotCount) {
        if (slots.length == 0) {
            throw new IllegalArgumentException("name at least one slot");
        }
        int[] sorted = slots.clone();
        java.util.Arrays.sort(sorted);
        List<int[]> merged = new ArrayList<>();
        for (int slot : sorted) {
            if (slot < 0 || slot >= slotCount) {
                throw new IllegalArgumentException("slot " + slot + " is out of range: [0, " + (slotCount - 1) + "]");
            }
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && slot <= last[1] + 1) {
                last[1] = Math.max(last[1], slot);
            } else {
                merged.add(new int[] {slot, slot});
            }
        }
        return new SlotSet(List.copyOf(merged));
    }

    private static int slot(String digits, int slotCount) {
        // Digits only: no sign, no spaces, no leading '+', and short enough to be an int.
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("each item is a slot number or a range such as 10-20");
        }
        int slot = Integer.parseInt(digits);
        if (slot >= slotCount) {
            throw new IllegalArgumentException("slot " + slot
                    + " is out of range: the ring this shard holds has slots [0, " + (slotCount - 1) + "]");
        }
        return slot;
    }

    boolean contains(int slot) {
        for (int[] range : ranges) {
            if (slot < range[0]) {
                return false;
            }
            if (slot <= range[1]) {
                return true;
            }
        }
        return false;
    }

    /** A condition on {@code column} that holds for the set's slots: one comparison per range. */
    String sqlCondition(String column) {
        List<String> terms = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            terms.add("(" + column + " >= :slotLow" + i + " AND " + column + " <= :slotHigh" + i + ")");
        }
        return String.join(" OR ", terms);
    }

    /** The parameters of {@link #sqlCondition}. */
    Map<String, Object> sqlParameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (int i = 0; i < ranges.size(); i++) {
            parameters.put("slotLow" + i, ranges.get(i)[0]);
            parameters.put("slotHigh" + i, ranges.get(i)[1]);
        }
        return parameters;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotSet other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The set's slots, ascending. */
    int[] slots() {
        int size = 0;
        for (int[] range : ranges) {
            size += range[1] - range[0] + 1;
        }
        int[] slots = new int[size];
        int next = 0;
        for (int[] range : ranges) {
            for (int slot = range[0]; slot <= range[1]; slot++) {
                slots[next++] = slot;
            }
        }
        return slots;
    }

    /** The set's text ({@link SlotRanges}), as a target names it in its reports. */
    @Override
    public String toString() {
        return SlotRanges.format(slots());
    }
}
