package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.ring.UserIds;

/**
 * Where a walk through a slot set's rows stopped, as the {@code next} of a page and the {@code after} of the
 * next request: {@code user} alone means after all of that user's rows (a walk that stopped between users);
 * {@code user:position} means after that row of the user, {@code position} being what the row kind orders
 * by within a user. User ids have no {@code ':'} ({@value UserIds#PATTERN}), so the first one ends the user.
 *
 * @param userId the user the walk stopped at
 * @param within the position within the user's rows, or null when all of them were read
 */
record SlotCursor(String userId, String within) {

    /**
     * @throws IllegalArgumentException when the user part is not a user id or the position part is empty
     */
    static SlotCursor parse(String text) {
        int colon = text.indexOf(':');
        String user = colon < 0 ? text : text.substring(0, colon);
        if (!UserIds.isValid(user)) {
            throw new IllegalArgumentException("a cursor starts with a user id (" + UserIds.PATTERN
                    + "); pass the next of the previous page as it was");
        }
        if (colon >= 0 && colon == text.length() - 1) {
            throw new IllegalArgumentException("the cursor's position after the user is empty");
        }
        return new SlotCursor(user, colon < 0 ? null : text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return within == null ? userId : userId + ":" + within;
    }
}
