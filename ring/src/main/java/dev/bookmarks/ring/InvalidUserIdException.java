package dev.bookmarks.ring;

/**
 * A user ID outside {@value UserIds#PATTERN}. The message names the rule and where the input
 * breaks it, never the raw input, so it is safe to log and to return in a 400 answer.
 */
public final class InvalidUserIdException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    InvalidUserIdException(String message) {
        super(message);
    }
}
