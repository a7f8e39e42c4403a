package dev.bookmarks.ring;

/** Bytes that are not a valid ring: truncated, corrupt, of an unknown version, or inconsistent. */
public final class RingFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RingFormatException(String message) {
        super(message);
    }

    RingFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
