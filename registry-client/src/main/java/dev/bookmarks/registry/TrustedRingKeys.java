package dev.bookmarks.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Ed25519 public keys whose ring signatures this process accepts
 * ({@code bookmarks.registry.ring-signing.trusted-keys}). Several at once is how the ring-signing
 * key is rotated: trust the new key everywhere, switch the registry to it, then drop the old one.
 * Immutable and thread-safe.
 */
public final class TrustedRingKeys {

    static final String PROPERTY = "bookmarks.registry.ring-signing.trusted-keys";

    private final Map<String, PublicKey> keysById;

    private TrustedRingKeys(Map<String, PublicKey> keysById) {
        this.keysById = keysById;
    }

    /**
     * Parses each entry as an Ed25519 public key (PEM or {@code base64:} DER).
     *
     * @throws IllegalArgumentException if the list is empty or an entry is not such a key; the
     *     message names the property and the accepted formats
     */
    public static TrustedRingKeys parse(List<String> keyTexts) {
        if (keyTexts == null || keyTexts.isEmpty()) {
            throw new IllegalArgumentException(PROPERTY + " is empty: set it to the Ed25519 public key of the"
                    + " registry's ring-signing key (bookmarks.registry.ring-signing.private-key), "
                    + RingKeyText.FORMATS.formatted("PUBLIC KEY")
                    + "; without it no ring can be trusted and nothing can be routed");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < keyTexts.size(); i++) {
            PublicKey key = RingKeyText.publicKey(PROPERTY + "[" + i + "]", keyTexts.get(i));
            keys.put(RingSignatures.keyId(key), key);
        }
        // In configured order, so that logs and health list them as the operator wrote them.
        return new TrustedRingKeys(Collections.unmodifiableMap(keys));
    }

    /** The ids of the trusted keys ({@link RingSigner#keyId()} of their private halves). */
    public List<String> keyIds() {
        return List.copyOf(keysById.keySet());
    }

    boolean trusts(String keyId) {
        return keysById.containsKey(keyId);
    }

    /**
     * Checks that {@code signature} (the stored {@code P:ring:signature} value) is a valid
     * signature of {@code ring} for {@code keyPrefix} by a trusted key, and returns that key's id.
     *
     * @throws UntrustedRingException saying which of missing, malformed, untrusted key or not
     *     matching the ring it is
     */
    String verify(String keyPrefix, byte[] ring, byte[] signature) {
        if (signature == null) {
            throw new UntrustedRingException("the ring carries no signature");
        }
        String[] parts = new String(signature, StandardCharsets.US_ASCII).split(" ", -1);
        if (parts.length != 3 || !parts[0].equals(RingSignatures.ALGORITHM)) {
            throw new UntrustedRingException("the ring's signature is malformed (expected '"
                    + RingSignatures.ALGORITHM + " <key id> <base64>')");
        }
        String keyId = parts[1];
        PublicKey key = keysById.get(keyId);
        if (key == null) {
            throw new UntrustedRingException("the ring is signed by key " + printable(keyId)
                    + ", which is not among the trusted keys " + keysById.keySet());
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(RingSignatures.message(keyPrefix, ring));
            if (verifier.verify(Base64.getDecoder().decode(parts[2]))) {
                return keyId;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // A malformed signature is refused like a wrong one.
        }
        throw new UntrustedRingException("the ring's signature by key " + keyId
                + " does not match its bytes and key prefix " + keyPrefix + " (forged or altered)");
    }

    /** A key id from Redis goes into logs and health: at most its first 16 safe characters. */
    private static String printable(String keyId) {
        String safe = keyId.replaceAll("[^0-9a-zA-Z]", "?");
        return safe.length() > 16 ? safe.substring(0, 16) + "..." : safe;
    }
}
