package dev.bookmarks.deployment.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Signs a user in at the development issuer the way the web app's browser does (authorization code with PKCE,
 * the login form, the code at the app's redirect URI, the code exchanged for tokens) and returns the access token
 * the gateways accept. Only the issuer's published port is contacted; the redirect is read, not followed.
 */
final class IssuerSignIn {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final String redirect;

    /** {@code issuer}: e.g. http://127.0.0.1:9000; {@code redirect}: a redirect URI registered for bookmarks-web. */
    IssuerSignIn(String issuer, String redirect) {
        this.issuer = issuer;
        this.redirect = redirect;
    }

    /** The access token for {@code user}, who signs in with {@code password}. */
    String accessToken(String user, String password) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        String verifier = randomUrlSafe(32);
        String authorize = issuer + "/oauth2/authorize?response_type=code&client_id=bookmarks-web&scope=openid"
                + "&state=" + randomUrlSafe(8) + "&redirect_uri=" + encode(redirect) + "&code_challenge="
                + challenge(verifier) + "&code_challenge_method=S256";
        get(http, authorize);
        HttpResponse<String> page = get(http, issuer + "/login");
        Matcher csrf = CSRF.matcher(page.body());
        if (!csrf.find()) {
            throw new IllegalStateException("no CSRF token in the issuer's login form: " + page.statusCode());
        }
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(issuer + "/login"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user, "password", password,
                        "_csrf", csrf.group(1))))).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> current = answer;
        for (int hop = 0; hop < 10; hop++) {
            int status = current.statusCode();
            String location = current.headers().firstValue("Location").orElseThrow(() ->
                    new IllegalStateException("the issuer stopped redirecting before the code: " + status));
            if (location.startsWith(redirect)) {
                Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
                if (!code.find()) {
                    throw new IllegalStateException("no code at the redirect URI: " + location);
                }
                return exchange(http, URLDecoder.decode(code.group(1), StandardCharsets.UTF_8), verifier);
            }
            current = get(http, location.startsWith("http") ? location : issuer + location);
        }
        throw new IllegalStateException("more than 10 redirects before the code");
    }

    private String exchange(HttpClient http, String code, String verifier) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirect);
        form.put("client_id", "bookmarks-web");
        form.put("code_verifier", verifier);
        HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofString());
        if (tokens.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + tokens.statusCode() + ": " + tokens.body());
        }
        JsonNode body = JSON.readTree(tokens.body());
        return body.path("access_token").asText();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        // As a browser navigates: only a request for a page is sent to the login form.
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String randomUrlSafe(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }
}
