package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A gateway outside the local profile: tokens come from an issuer whose JWK set is served by a stub,
 * and nothing of the local profile exists. Also: what start-up refuses.
 */
@TestPropertySource(properties = {
        "bookmarks.registry.key-prefix=production-it",
        "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ProductionProfileIT.ISSUER,
        "spring.security.oauth2.resourceserver.jwt.audiences=bookmarks",
        "bookmarks.gateway.internal-secret=base64:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionProfileIT extends GatewayIntegrationBase {

    private static final String KEY_ID = "issuer-key-1";
    /** How often the gateway fetched the issuer's JWK set. */
    static final java.util.concurrent.atomic.AtomicInteger JWK_SET_FETCHES = new java.util.concurrent.atomic.AtomicInteger();
    static final String ISSUER = "https://issuer.example";

    static final KeyPair issuerKey = rsaKeyPair();
    static final KeyPair strangerKey = rsaKeyPair();
    static final HttpServer issuer = jwkSetServer((RSAPublicKey) issuerKey.getPublic());

    @AutoClose
    static final StubShard shard = StubShard.start("s-1");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("bookmarks.registry.ring-signing.trusted-keys", () -> TestRingKeys.PUBLIC_KEY);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ProductionProfileIT::jwkSetUri);
    }

    @AfterAll
    static void stopServers() {
        issuer.stop(0);
    }

    @Test
    @Order(1)
    void answersWith503AndRetryAfterWhileNoRingHasBeenLoaded() {
        Reply reply = new GatewayClient(port).get("/api/users/alice/bookmarks", bearer(sign(issuerKey, "alice")));

        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.header("Retry-After")).isEqualTo("1");
        assertThat(reply.json().get("detail").asString()).contains("not loaded the ring");
        assertThat(shard.received()).isEmpty();
    }

    @Test
    @Order(2)
    void acceptsTokensSignedWithTheIssuersKeysAndNoOthers() {
        Ring ring = Ring.create(1024, List.of(Shard.active("s-1", shard.url(), 1)));
        store.compareAndSet(0, ring, TestRings.SIGNER);
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.current().isPresent());
        GatewayClient client = new GatewayClient(port);

        Reply accepted = client.get("/api/users/alice/bookmarks", bearer(sign(issuerKey, "alice")));
        Reply stranger = client.get("/api/users/alice/bookmarks", bearer(sign(strangerKey, "alice")));

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.isProblem()).isTrue();
        assertThat(shard.received()).hasSize(1);
    }

    @Test
    @Order(3)
    void refusesTokensOfTheIssuersKeyForAnotherAudienceIssuerOrWithoutExpiry() {
        GatewayClient client = new GatewayClient(port);
        Instant now = Instant.now();
        Instant later = now.plus(Duration.ofMinutes(5));
        List<String> refused = List.of(
                sign(issuerKey, claims("alice", ISSUER, List.of("another-app"), now, later)),
                sign(issuerKey, claims("alice", ISSUER, null, now, later)),
                sign(issuerKey, claims("alice", "https://other-issuer.example", List.of("bookmarks"), now, later)),
                sign(issuerKey, claims("alice", ISSUER, List.of("bookmarks"), now, null)));

        for (String token : refused) {
            Reply reply = client.get("/api/users/alice/bookmarks", bearer(token));
            assertThat(reply.status()).as(reply.text()).isEqualTo(401);
            assertThat(reply.json().get("detail").asString()).isEqualTo("the bearer token is not valid");
        }
        assertThat(shard.received()).as("only the accepted token of the test before reached the shard").hasSize(1);
    }

    @Test
    @Order(4)
    void tokensNamingUnknownKeysDoNotMakeTheGatewayFetchTheKeySetForEach() {
        GatewayClient client = new GatewayClient(port);
        int before = JWK_SET_FETCHES.get();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            Instant now = Instant.now();
            String token = sign(strangerKey, "kid-" + i, claims("alice", ISSUER, List.of("bookmarks"), now,
                    now.plus(Duration.ofMinutes(5))));
            assertThat(client.get("/api/users/alice/bookmarks", bearer(token)).status()).isEqualTo(401);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int fetches = JWK_SET_FETCHES.get() - before;
        System.out.printf("[ProductionProfileIT] 20 unknown key ids in %.1f s: %d JWK set fetches%n", seconds, fetches);

        assertThat(fetches).as("fetches for 20 unknown key ids in %.1f s", seconds)
                .isLessThanOrEqualTo(1 + (int) (seconds / 30));
    }

    @Test
    @Order(5)
    void hasNoDevTokenEndpointOutsideTheLocalProfile() {
        Reply reply = new GatewayClient(port).post("/auth/dev-token", "{\"userId\":\"alice\"}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.text()).doesNotContain("token\":");
    }

    @Test
    void refusesToStartWithoutAnInternalSecretOrWithAShortOne() {
        assertThatThrownBy(() -> start("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + jwkSetUri(),
                "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER,
                "spring.security.oauth2.resourceserver.jwt.audiences=bookmarks"))
                .hasStackTraceContaining("bookmarks.gateway.internal-secret")
                .hasStackTraceContaining("missing");
        assertThatThrownBy(() -> start("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + jwkSetUri(),
                "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER,
                "spring.security.oauth2.resourceserver.jwt.audiences=bookmarks",
                "bookmarks.gateway.internal-secret=short"))
                .hasStackTraceContaining("bookmarks.gateway.internal-secret")
                .hasStackTraceContaining("at least 32 bytes");
    }

    @Test
    void refusesToStartWithoutAWayToValidateTokens() {
        assertThatThrownBy(() -> start("bookmarks.gateway.internal-secret=a-secret-that-is-long-enough-for-hmac-sha256"))
                .hasStackTraceContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri");
    }

    @Test
    void refusesToStartWithoutTheIssuerOrTheAudienceItChecksTokensAgainst() {
        String secret = "bookmarks.gateway.internal-secret=a-secret-that-is-long-enough-for-hmac-sha256";
        String keys = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + jwkSetUri();
        assertThatThrownBy(() -> start(secret, keys, "spring.security.oauth2.resourceserver.jwt.audiences=bookmarks"))
                .hasStackTraceContaining("Set spring.security.oauth2.resourceserver.jwt.issuer-uri to the token issuer");
        assertThatThrownBy(() -> start(secret, keys, "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER))
                .hasStackTraceContaining("Set spring.security.oauth2.resourceserver.jwt.audiences to this service's audience");
    }

    private static void start(String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "management.server.port=0", "bookmarks.gateway.tls.enabled=false",
                "spring.data.redis.url=" + redis.get().url(), "bookmarks.registry.key-prefix=refused",
                "spring.main.banner-mode=off", TestRingKeys.TRUSTED_KEYS_PROPERTY));
        all.addAll(List.of(properties));
        new SpringApplicationBuilder(GatewayApplication.class).web(WebApplicationType.REACTIVE)
                .properties(all.toArray(String[]::new)).run().close();
    }

    private static String sign(KeyPair key, String subject) {
        Instant now = Instant.now();
        return sign(key, claims(subject, ISSUER, List.of("bookmarks"), now, now.plus(Duration.ofMinutes(5))));
    }

    private static JwtClaimsSet claims(String subject, String issuer, List<String> audience, Instant issuedAt,
            Instant expiresAt) {
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder().issuer(issuer).subject(subject).issuedAt(issuedAt);
        if (audience != null) {
            claims.audience(audience);
        }
        if (expiresAt != null) {
            claims.expiresAt(expiresAt);
        }
        return claims.build();
    }

    private static String sign(KeyPair key, JwtClaimsSet claims) {
        // Both name the issuer's key id: a stranger's token must fail on its signature, not on a lookup.
        return sign(key, KEY_ID, claims);
    }

    private static String sign(KeyPair key, String keyId, JwtClaimsSet claims) {
        NimbusJwtEncoder encoder = NimbusJwtEncoder.withKeyPair((RSAPublicKey) key.getPublic(),
                (RSAPrivateKey) key.getPrivate()).jwkPostProcessor(jwk -> jwk.keyID(keyId)).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId(keyId).build(), claims))
                .getTokenValue();
    }

    private static String jwkSetUri() {
        return "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks";
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwkSetServer(RSAPublicKey key) {
        byte[] body = new JWKSet(new RSAKey.Builder(key).keyID(KEY_ID).build()).toString()
                .getBytes(StandardCharsets.UTF_8);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/jwks", exchange -> {
                JWK_SET_FETCHES.incrementAndGet();
                try (exchange) {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
