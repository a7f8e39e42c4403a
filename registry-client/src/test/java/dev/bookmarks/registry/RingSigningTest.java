package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingSigningTest {

    private static final byte[] RING = Ring.create(1024, List.of(Shard.active("a", "http://127.0.0.1:9001", 1)))
            .toBytes();
    private static final RingSigner SIGNER = RingSigner.parse(TestRingKeys.PRIVATE_KEY);
    private static final TrustedRingKeys TRUSTED = TrustedRingKeys.parse(List.of(TestRingKeys.PUBLIC_KEY));

    @Test
    void theSignerDerivesThePublicKeyStoredBesideItsPrivateKey() {
        // TestRingKeys was made by the JDK's generator and its halves stored apart: the derivation
        // must give back exactly the stored public key.
        assertThat(SIGNER.publicKeyText()).isEqualTo(TestRingKeys.PUBLIC_KEY);
        assertThat(TRUSTED.keyIds()).containsExactly(SIGNER.keyId());
        assertThat(SIGNER.keyId()).matches("[0-9a-f]{16}");
    }

    @Test
    void aSignatureVerifiesUnderTheSamePrefixAndNamesItsKey() {
        assertThat(TRUSTED.verify("bookmarks", RING, SIGNER.sign("bookmarks", RING))).isEqualTo(SIGNER.keyId());
    }

    @Test
    void aRingChangedAfterSigningIsRefused() {
        byte[] signature = SIGNER.sign("bookmarks", RING);
        byte[] altered = RING.clone();
        altered[altered.length / 2] ^= 1;

        assertThatThrownBy(() -> TRUSTED.verify("bookmarks", altered, signature))
                .isInstanceOf(UntrustedRingException.class).hasMessageContaining("does not match");
    }

    @Test
    void aRingSignedForAnotherKeyPrefixIsRefused() {
        byte[] staging = SIGNER.sign("staging", RING);

        assertThatThrownBy(() -> TRUSTED.verify("bookmarks", RING, staging))
                .isInstanceOf(UntrustedRingException.class).hasMessageContaining("key prefix bookmarks");
    }

    @Test
    void aRingSignedByAKeyNobodyTrustsIsRefusedNamingThatKey() throws Exception {
        RingSigner stranger = RingSigner.parse(privateKeyText(newKeyPair()));

        assertThatThrownBy(() -> TRUSTED.verify("bookmarks", RING, stranger.sign("bookmarks", RING)))
                .isInstanceOf(UntrustedRingException.class)
                .hasMessageContaining("signed by key " + stranger.keyId())
                .hasMessageContaining("not among the trusted keys");
    }

    @Test
    void aSignatureClaimingATrustedKeyIdButMadeByAnotherKeyIsRefused() throws Exception {
        RingSigner stranger = RingSigner.parse(privateKeyText(newKeyPair()));
        String forged = new String(stranger.sign("bookmarks", RING), StandardCharsets.US_ASCII)
                .replace(stranger.keyId(), SIGNER.keyId());

        assertThatThrownBy(() -> TRUSTED.verify("bookmarks", RING, forged.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(UntrustedRingException.class).hasMessageContaining("does not match");
    }

    @Test
    void aMissingOrMalformedSignatureIsRefused() {
        assertThatThrownBy(() -> TRUSTED.verify("bookmarks", RING, null))
                .isInstanceOf(UntrustedRingException.class).hasMessageContaining("no signature");
        assertThatThrownBy(() -> TRUSTED.verify("bookmarks", RING, "hello".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(UntrustedRingException.class).hasMessageContaining("malformed");
        byte[] notBase64 = ("ed25519 " + SIGNER.keyId() + " %%%").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TRUSTED.verify("bookmarks", RING, notBase64))
                .isInstanceOf(UntrustedRingException.class).hasMessageContaining("does not match");
    }

    @Test
    void aRotatedInKeyIsTrustedBesideTheOldOne() throws Exception {
        KeyPair next = newKeyPair();
        RingSigner rotated = RingSigner.parse(privateKeyText(next));
        TrustedRingKeys both = TrustedRingKeys.parse(List.of(TestRingKeys.PUBLIC_KEY, publicKeyPem(next)));

        assertThat(both.verify("bookmarks", RING, rotated.sign("bookmarks", RING))).isEqualTo(rotated.keyId());
        assertThat(both.verify("bookmarks", RING, SIGNER.sign("bookmarks", RING))).isEqualTo(SIGNER.keyId());
    }

    @Test
    void keysAreReadAsPemOrBase64DerAndAnythingElseIsRefusedNamingTheProperty() throws Exception {
        KeyPair pair = newKeyPair();
        assertThat(TrustedRingKeys.parse(List.of(publicKeyPem(pair))).keyIds()).hasSize(1);

        assertThatThrownBy(() -> TrustedRingKeys.parse(List.of()))
                .hasMessageContaining("bookmarks.registry.ring-signing.trusted-keys is empty");
        assertThatThrownBy(() -> TrustedRingKeys.parse(List.of(TestRingKeys.PUBLIC_KEY, "hello")))
                .hasMessageContaining("bookmarks.registry.ring-signing.trusted-keys[1] must be an Ed25519 public key")
                .hasMessageContaining("base64:");
        // A private key where a public one belongs is refused, not half-read.
        assertThatThrownBy(() -> TrustedRingKeys.parse(List.of(TestRingKeys.PRIVATE_KEY)))
                .hasMessageContaining("trusted-keys[0] must be an Ed25519 public key");
        assertThatThrownBy(() -> RingSigner.parse("base64:" + Base64.getEncoder().encodeToString(new byte[48])))
                .hasMessageContaining("bookmarks.registry.ring-signing.private-key must be an Ed25519 private key")
                .hasMessageNotContaining("AAAA");
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static String privateKeyText(KeyPair pair) {
        return "base64:" + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
    }

    private static String publicKeyPem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
