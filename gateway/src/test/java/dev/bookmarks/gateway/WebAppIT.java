package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.ring.Ring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web app as a gateway serves it (local profile, with a development issuer configured the way the local stack
 * configures it): its files with a strict Content-Security-Policy and validators, its settings, nothing else; and
 * the issuer's tokens accepted beside development tokens, each only with its own rules.
 */
@ActiveProfiles("local")
class WebAppIT extends GatewayIntegrationBase {

    /** The issuer's key, and its JWK set served on loopback as Spring Authorization Server serves its own. */
    private static final RSAKey KEY = rsaKey();
    private static final HttpServer JWKS = jwkServer();
    private static final String ISSUER = "http://127.0.0.1:" + JWKS.getAddress().getPort();
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"");

    @AutoClose
    static final StubShard shard = StubShard.start("s-web");

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> ISSUER);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> ISSUER + "/oauth2/jwks");
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> "bookmarks-api");
    }

    @AfterAll
    static void stopJwks() {
        JWKS.stop(0);
    }

    private GatewayClient client;
    private Ring ring;

    @BeforeEach
    void oneShard() {
        client = new GatewayClient(port);
        ring = publishRing(shard);
        shard.reset();
    }

    @Test
    void servesTheAppWithAStrictContentSecurityPolicyAndNoFraming() {
        Reply page = client.get("/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
        assertThat(page.text()).contains("<html").contains("/assets/");
        String policy = page.header("Content-Security-Policy");
        assertThat(policy).contains("default-src 'self'", "script-src 'self';", "style-src 'self';",
                "connect-src 'self' " + ISSUER + ";", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'");
        assertThat(policy).doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        // No inline script for the policy to refuse: every script is a file of this origin.
        assertThat(page.text()).doesNotContainPattern("<script(?![^>]*\\bsrc=\"/assets/)");
        assertThat(page.text()).doesNotContainPattern("\\son[a-z]+=");
        assertThat(client.get("/index.html").text()).isEqualTo(page.text());
    }

    @Test
    void answersNotModifiedToABrowserThatHoldsTheSameFile() {
        Reply page = client.get("/");
        String etag = page.header("ETag");
        assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");

        Reply again = client.get("/", "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.text()).isEmpty();

        Reply changed = client.get("/", "If-None-Match", "\"somethingelse000000000\"");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.text()).isEqualTo(page.text());
    }

    @Test
    void servesEveryAssetThePageNamesWithItsType() {
        Matcher assets = ASSET.matcher(client.get("/").text());
        List<String> paths = new ArrayList<>();
        while (assets.find()) {
            paths.add(assets.group(1));
        }
        assertThat(paths).anySatisfy(p -> assertThat(p).endsWith(".js")).anySatisfy(p -> assertThat(p).endsWith(".css"));
        for (String path : paths) {
            Reply asset = client.get(path);
            assertThat(asset.status()).as(path).isEqualTo(200);
            String expected = path.endsWith(".js") ? "text/javascript;charset=UTF-8"
                    : path.endsWith(".css") ? "text/css;charset=UTF-8" : path.endsWith(".svg") ? "image/svg+xml" : null;
            if (expected != null) {
                assertThat(asset.header("Content-Type")).as(path).isEqualTo(expected);
            }
            assertThat(asset.header("ETag")).as(path).isNotBlank();
        }
        Reply head = client.send("HEAD", paths.get(0), null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.text()).isEmpty();
    }

    @Test
    void tellsTheAppWhereToSignIn() {
        Reply config = client.get("/web-config.json");

        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().get("issuer").asString()).isEqualTo(ISSUER);
        assertThat(config.json().get("clientId").asString()).isEqualTo("bookmarks-web");
        assertThat(config.json().get("scope").asString()).isEqualTo("openid profile");
    }

    @Test
    void servesNothingBesideTheAppsOwnFiles() {
        for (String path : List.of("/assets/nope.js", "/application.yml", "/web/index.html",
                "/dev/bookmarks/gateway/GatewayApplication.class", "/META-INF/MANIFEST.MF")) {
            Reply reply = client.get(path);
            assertThat(reply.status()).as(path).isIn(401, 403, 404);
            assertThat(reply.text()).as(path).doesNotContain("<html");
        }
        for (String path : List.of("/assets/../application.yml", "/assets/%2e%2e/application.yml",
                "/assets//app.js", "/index.html;x=1", "/assets/%61pp.js", "/assets/")) {
            assertThat(client.get(path).status()).as(path).isEqualTo(400);
        }
        for (String method : List.of("POST", "PUT", "DELETE")) {
            assertThat(client.send(method, "/", "x").status()).as(method).isIn(401, 403, 405);
        }
    }

    @Test
    void acceptsTheIssuersTokensBesideDevelopmentTokensEachByItsOwnRules() throws Exception {
        String user = TestRings.usersOf(ring, "s-web", 1).get(0);
        String path = "/api/users/" + user + "/bookmarks";

        assertThat(client.get(path, bearer(issuerToken(user, ISSUER, "bookmarks-api"))).status()).isEqualTo(200);
        assertThat(client.get(path, bearer(client.devToken(user))).status()).isEqualTo(200);

        assertThat(client.get("/api/users/someone-else/bookmarks", bearer(issuerToken(user, ISSUER, "bookmarks-api")))
                .status()).as("another user's path").isEqualTo(403);
        assertThat(client.get(path, bearer(issuerToken(user, ISSUER, "another-api"))).status())
                .as("a token for another audience").isEqualTo(401);
        assertThat(client.get(path, bearer(issuerToken(user, "http://127.0.0.1:1", "bookmarks-api"))).status())
                .as("another issuer").isEqualTo(401);
        assertThat(client.get(path, bearer(hs256Token(user, ISSUER, "a key that is not the development key!!"))).status())
                .as("HS256 with the issuer's name but not the development key").isEqualTo(401);
        assertThat(client.get(path, bearer(hs256Token(user, ISSUER, "local-development-token-key-not-for-production")))
                .status()).as("the development key cannot sign as the issuer").isEqualTo(401);
        assertThat(shard.received()).hasSize(2);
    }

    private static String issuerToken(String user, String issuer, String audience) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
                claims(user, issuer, audience));
        jwt.sign(new RSASSASigner(KEY));
        return jwt.serialize();
    }

    private static String hs256Token(String user, String issuer, String key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(user, issuer, "bookmarks-api"));
        jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(String user, String issuer, String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).subject(user).audience(List.of(audience, "bookmarks-web"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build();
    }

    private static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("web-app-it").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwkServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/oauth2/jwks", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
