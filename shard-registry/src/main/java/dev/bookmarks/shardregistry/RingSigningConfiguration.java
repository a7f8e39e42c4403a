package dev.bookmarks.shardregistry;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingSigningProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The registry is the one process that signs rings: it refuses to start without its ring-signing
 * key, since every ring it wrote without one would be refused by every watcher.
 */
@Configuration(proxyBeanMethods = false)
class RingSigningConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RingSigningConfiguration.class);

    static final String MISSING = "The registry signs every ring it writes, and gateways and shards refuse any"
            + " other: set bookmarks.registry.ring-signing.private-key to its Ed25519 private key (PEM, or"
            + " base64:<PKCS#8 DER>; make one with 'openssl genpkey -algorithm ed25519'), and add its public key"
            + " ('openssl pkey -in KEY -pubout') to bookmarks.registry.ring-signing.trusted-keys of every gateway,"
            + " shard and registry";

    @Bean
    RingSigner ringSigner(RingSigningProperties properties) {
        RingSigner signer = properties.signer().orElseThrow(() -> new IllegalStateException(MISSING));
        log.info("Signing rings with key {}", signer.keyId());
        return signer;
    }
}
