package dev.bookmarks.registry;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys as configuration text: PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509
 * SubjectPublicKeyInfo; {@code -----BEGIN PRIVATE KEY-----}, PKCS#8, as {@code openssl genpkey
 * -algorithm ed25519} writes them) or {@code base64:} followed by the same DER bytes in Base64.
 */
final class RingKeyText {

    static final String FORMATS = "PEM (-----BEGIN %s-----) or base64:<DER>; make a key pair with"
            + " 'openssl genpkey -algorithm ed25519 -out ring.key && openssl pkey -in ring.key -pubout'";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private RingKeyText() {
    }

    static PublicKey publicKey(String property, String text) {
        byte[] der = der(property, text, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(property + " must be an Ed25519 public key, "
                    + FORMATS.formatted("PUBLIC KEY") + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(String property, String text) {
        byte[] der = der(property, text, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            // Never the key text: it is a secret.
            throw new IllegalArgumentException(property + " must be an Ed25519 private key, "
                    + FORMATS.formatted("PRIVATE KEY") + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static byte[] der(String property, String text, String label) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(property + " is empty: it must be an Ed25519 "
                    + label.toLowerCase() + ", " + FORMATS.formatted(label));
        }
        String trimmed = text.strip();
        try {
            if (trimmed.startsWith("base64:")) {
                return Base64.getMimeDecoder().decode(trimmed.substring("base64:".length()));
            }
            Matcher pem = PEM.matcher(trimmed);
            if (pem.matches() && pem.group(1).equals(label)) {
                return Base64.getMimeDecoder().decode(pem.group(2));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " is not valid Base64: it must be an Ed25519 "
                    + label.toLowerCase() + ", " + FORMATS.formatted(label), e);
        }
        throw new IllegalArgumentException(property + " must be an Ed25519 " + label.toLowerCase() + ", "
                + FORMATS.formatted(label));
    }
}
