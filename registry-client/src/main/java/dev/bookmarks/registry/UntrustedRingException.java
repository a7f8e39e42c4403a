package dev.bookmarks.registry;

/**
 * The ring in Redis carries no signature, a malformed one, one by a key this process does not
 * trust, or one that does not match the ring's bytes: it was not written by a registry holding a
 * trusted ring-signing key, and must not be routed by.
 */
public final class UntrustedRingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UntrustedRingException(String message) {
        super(message);
    }
}
