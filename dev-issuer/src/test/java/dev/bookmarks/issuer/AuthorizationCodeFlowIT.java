package dev.bookmarks.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web app's sign-in, as a browser makes it: authorization request with PKCE, the login form, the code at the
 * redirect URI, the code exchanged for tokens; then the access token checked as a gateway checks it (signature by
 * the JWK set, issuer, audience, subject, expiry).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=127.0.0.1",
        "spring.security.oauth2.authorizationserver.client.bookmarks-web.registration.redirect-uris=http://127.0.0.1:8070/"})
class AuthorizationCodeFlowIT {

    private static final String REDIRECT = "http://127.0.0.1:8070/";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void signsAUserInByAuthorizationCodeWithPkceAndIssuesATokenAGatewayAccepts() throws Exception {
        Browser browser = new Browser();
        String verifier = verifier();

        String code = browser.signIn("alice", "alice-password", challenge(verifier));
        HttpResponse<String> tokens = exchange(code, verifier);

        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(tokens.body());
        assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.has("id_token")).isTrue();
        assertThat(body.has("refresh_token")).as("a public client renews by signing in again").isFalse();
        Jwt token = NimbusJwtDecoder.withJwkSetUri(base() + "/oauth2/jwks").build()
                .decode(body.get("access_token").asString());
        assertThat(token.getSubject()).isEqualTo("alice");
        assertThat(token.getAudience()).contains("bookmarks-api");
        assertThat(token.getIssuer().toString()).isEqualTo(base());
        assertThat(token.getExpiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(4)),
                Instant.now().plus(Duration.ofMinutes(6)));
    }

    @Test
    void refusesACodeExchangedWithoutItsVerifier() throws Exception {
        Browser browser = new Browser();
        String verifier = verifier();
        String code = browser.signIn("bob", "bob-password", challenge(verifier));

        HttpResponse<String> tokens = exchange(code, verifier());

        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tokens.body()).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void refusesAnAuthorizationRequestWithoutPkce() throws Exception {
        Browser browser = new Browser();

        HttpResponse<String> answer = browser.get(base() + "/oauth2/authorize?response_type=code&client_id=bookmarks-web"
                + "&scope=openid&state=s1&redirect_uri=" + encode(REDIRECT));

        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location").orElseThrow())
                .startsWith(REDIRECT + "?error=invalid_request");
    }

    @Test
    void refusesAWrongPasswordAndIssuesNoCode() throws Exception {
        Browser browser = new Browser();
        browser.get(authorizeUrl(challenge(verifier())));

        HttpResponse<String> login = browser.login("alice", "not-her-password");

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).endsWith("/login?error");
    }

    @Test
    void letsTheWebAppsOriginCallTheTokenEndpointAndNoOtherOrigin() throws Exception {
        HttpResponse<String> allowed = preflight("https://127.0.0.1:8443");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://127.0.0.1:8443");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

        HttpResponse<String> refused = preflight("https://bookmarks.evil.example");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> discovery = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base() + "/.well-known/openid-configuration")).header("Origin", "http://127.0.0.1:8070")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://127.0.0.1:8070");
        assertThat(JSON.readTree(discovery.body()).path("end_session_endpoint").asString()).endsWith("/connect/logout");
    }

    @Test
    void sendsTheCodeToTheRegisteredLoopbackRedirectOnAnyPort() throws Exception {
        // RFC 8252 section 7.3: a loopback redirect URI matches whatever port the app listens on, which is how one
        // registration serves every gateway of the local stack.
        Browser browser = new Browser();
        String challenge = challenge(verifier());
        String otherPort = "http://127.0.0.1:18443/";
        browser.get(base() + "/oauth2/authorize?response_type=code&client_id=bookmarks-web&scope=openid&state=s2"
                + "&redirect_uri=" + encode(otherPort) + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<String> answer = browser.login("bob", "bob-password");
        String location = answer.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> resumed = browser.get(location.startsWith("http") ? location : base() + location);
        assertThat(resumed.headers().firstValue("Location").orElseThrow()).startsWith(otherPort + "?code=");
    }

    private HttpResponse<String> preflight(String origin) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private String authorizeUrl(String challenge) {
        return base() + "/oauth2/authorize?response_type=code&client_id=bookmarks-web&scope=openid&state=s1"
                + "&redirect_uri=" + encode(REDIRECT) + "&code_challenge=" + challenge + "&code_challenge_method=S256";
    }

    private HttpResponse<String> exchange(String code, String verifier) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", REDIRECT);
        form.put("client_id", "bookmarks-web");
        form.put("code_verifier", verifier);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String verifier() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String formBody(Map<String, String> form) {
        return form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** A browser's part: cookies kept, redirects followed by hand (at most 10) so each step can be checked. */
    private final class Browser {

        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get(String url) throws IOException, InterruptedException {
            // As a browser navigates: only a request for a page is sent to the login form (others get 401).
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
            HttpResponse<String> page = get(base() + "/login");
            Matcher csrf = CSRF.matcher(page.body());
            assertThat(csrf.find()).as("the login form's CSRF token: %s", page.body()).isTrue();
            Map<String, String> form = new LinkedHashMap<>();
            form.put("username", user);
            form.put("password", password);
            form.put("_csrf", csrf.group(1));
            return http.send(HttpRequest.newBuilder(URI.create(base() + "/login")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(formBody(form))).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Signs in and returns the code the issuer sent to the redirect URI. */
        String signIn(String user, String password, String challenge) throws IOException, InterruptedException {
            HttpResponse<String> first = get(authorizeUrl(challenge));
            assertThat(first.headers().firstValue("Location").orElse("")).as("to the login form").endsWith("/login");
            HttpResponse<String> answer = login(user, password);
            for (int hop = 0; hop < 10; hop++) {
                int status = answer.statusCode();
                String location = answer.headers().firstValue("Location").orElseThrow(() ->
                        new AssertionError("no redirect: " + status));
                if (location.startsWith(REDIRECT)) {
                    Map<String, String> query = new LinkedHashMap<>();
                    for (String pair : URI.create(location).getRawQuery().split("&")) {
                        String[] kv = pair.split("=", 2);
                        query.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                    }
                    assertThat(query).containsEntry("state", "s1").containsKey("code");
                    return query.get("code");
                }
                answer = get(location.startsWith("http") ? location : base() + location);
            }
            throw new AssertionError("the issuer never redirected to the app");
        }
    }
}
