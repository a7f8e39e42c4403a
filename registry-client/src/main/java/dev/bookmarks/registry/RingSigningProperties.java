package dev.bookmarks.registry;

import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which ring signatures a process accepts and, on the registry, the key it signs with. Bound from
 * {@code bookmarks.registry.ring-signing.*}; keys are Ed25519, as PEM or {@code base64:} DER.
 *
 * @param trustedKeys public keys whose signatures are accepted; required, at least one. Every
 *     gateway, shard and registry lists the registry's current key (and, during a rotation, the
 *     next or previous one)
 * @param privateKey the registry's ring-signing key; set on the registry only, which refuses to
 *     start without it. Its public half must be among {@code trustedKeys}
 */
@ConfigurationProperties("bookmarks.registry.ring-signing")
public record RingSigningProperties(@DefaultValue List<String> trustedKeys, String privateKey) {

    public RingSigningProperties {
        trustedKeys = trustedKeys == null ? List.of() : List.copyOf(trustedKeys);
        TrustedRingKeys trusted = TrustedRingKeys.parse(trustedKeys);
        if (privateKey != null && !privateKey.isBlank()) {
            RingSigner signer = RingSigner.parse(privateKey);
            if (!trusted.trusts(signer.keyId())) {
                throw new IllegalArgumentException(RingSigner.PROPERTY + " has key id " + signer.keyId()
                        + ", which is not among " + TrustedRingKeys.PROPERTY + " " + trusted.keyIds()
                        + ": add its public key " + signer.publicKeyText() + " to the trusted keys of every"
                        + " gateway, shard and registry first, or every ring this registry writes is refused");
            }
        }
    }

    public TrustedRingKeys trusted() {
        return TrustedRingKeys.parse(trustedKeys);
    }

    /** The signer, when a private key is configured. */
    public Optional<RingSigner> signer() {
        return privateKey == null || privateKey.isBlank() ? Optional.empty()
                : Optional.of(RingSigner.parse(privateKey));
    }

    @Override
    public String toString() {
        // Never the private key: records print every component by default.
        return "RingSigningProperties[trustedKeys=" + trusted().keyIds() + ", privateKey="
                + (privateKey == null || privateKey.isBlank() ? "unset" : "set") + "]";
    }
}
