package dev.bookmarks.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Base64;

/**
 * Signs rings with the registry's Ed25519 ring-signing key
 * ({@code bookmarks.registry.ring-signing.private-key}); only the registry holds one. Immutable
 * and thread-safe. See {@link RingSignatures} for what a signature covers.
 */
public final class RingSigner {

    static final String PROPERTY = "bookmarks.registry.ring-signing.private-key";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private RingSigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = RingSignatures.keyId(publicKey);
    }

    /**
     * Parses an Ed25519 private key (PEM or {@code base64:} PKCS#8 DER).
     *
     * @throws IllegalArgumentException if it is not one; the message names the property, never the key
     */
    public static RingSigner parse(String privateKeyText) {
        PrivateKey key = RingKeyText.privateKey(PROPERTY, privateKeyText);
        return new RingSigner(key, publicKeyOf(key));
    }

    /** The id of this key's public half, as it appears in signatures, logs and health. */
    public String keyId() {
        return keyId;
    }

    /** The public half, as {@code base64:} DER: what every watcher's trusted keys must contain. */
    public String publicKeyText() {
        return "base64:" + Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** The value stored at {@code P:ring:signature} for {@code ring} under {@code keyPrefix}. */
    byte[] sign(String keyPrefix, byte[] ring) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(RingSignatures.message(keyPrefix, ring));
            String value = RingSignatures.ALGORITHM + " " + keyId + " "
                    + Base64.getEncoder().encodeToString(signer.sign());
            return value.getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * The JDK has no call that derives an Ed25519 public key from a private one, but its key pair
     * generator draws the private key as 32 random bytes and derives the public key from them
     * (RFC 8032, 5.1.5): fed the private key's bytes as its randomness, it returns that pair. The
     * result is checked by a signature, so a JDK that drew its randomness differently fails here
     * rather than producing signatures nobody trusts.
     */
    private static PublicKey publicKeyOf(PrivateKey key) {
        byte[] seed = ((EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new IllegalArgumentException(PROPERTY + ": the key's bytes are not readable"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            KeyPair pair = generator.generateKeyPair();
            byte[] probe = "public key derivation check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(probe);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(pair.getPublic());
            verifier.update(probe);
            if (!verifier.verify(signer.sign())) {
                throw new IllegalStateException("could not derive the public key of " + PROPERTY
                        + " on this JDK");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not derive the public key of " + PROPERTY, e);
        }
    }

    /** Randomness that is exactly the given bytes, for {@link #publicKeyOf}. */
    private static final class FixedBytes extends SecureRandom {

        private static final long serialVersionUID = 1L;
        private final transient byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes, got "
                        + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
