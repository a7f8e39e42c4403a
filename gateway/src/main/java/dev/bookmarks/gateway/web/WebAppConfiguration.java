package dev.bookmarks.gateway.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web app (the web-client module's files) at {@code /}, {@code /index.html} and {@code /assets/*}, and what it
 * needs to know at {@code /web-config.json}: the issuer to sign in at, its client ID and scopes. Same origin as
 * {@code /api}, so the app's API calls need no CORS. GET and HEAD only; every other path and method is the edge
 * security's to refuse.
 *
 * <p>Every answer carries a strict Content-Security-Policy (scripts, styles and everything else from this origin
 * only, no inline script, connections to this origin and the issuer, no framing, no {@code <base>}, no plugins),
 * {@code Referrer-Policy: no-referrer} (a bookmark's URL never leaks the app's) and cross-origin isolation of the
 * window and resources; Spring Security adds {@code nosniff}, {@code X-Frame-Options: DENY} and, over TLS, HSTS.
 * Files have strong ETags and {@code Cache-Control: no-cache}: a browser revalidates each load and gets 304 until
 * an upgrade changes a file.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebAppProperties.class)
public class WebAppConfiguration {

    /** The paths the app is served at, which the edge security lets anyone GET. */
    public static final List<String> PATHS = List.of("/", "/index.html", "/assets/**", "/web-config.json");

    static final String CONFIG_PATH = "/web-config.json";

    private static final Logger log = LoggerFactory.getLogger(WebAppConfiguration.class);
    private static final String RESOURCE_SERVER_ISSUER = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

    @Bean
    RouterFunction<ServerResponse> webApp(WebAppProperties properties, Environment environment) {
        URI issuer = issuer(properties, environment);
        if (issuer == null) {
            log.info("The web app is not served: no issuer to sign in at (set bookmarks.gateway.web.issuer or {})",
                    RESOURCE_SERVER_ISSUER);
            return RouterFunctions.route(request -> false, request -> Mono.empty());
        }
        StaticFiles files = StaticFiles.fromClasspath();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("issuer", issuer.toString());
        config.put("clientId", properties.clientId());
        config.put("scope", properties.scope());
        StaticFiles.StaticFile configFile = StaticFiles.file(CONFIG_PATH,
                JsonMapper.builder().build().writeValueAsBytes(config));
        HttpHeaders headers = headers(issuer);
        RequestPredicate readable = request -> request.method() == HttpMethod.GET
                || request.method() == HttpMethod.HEAD;
        return RouterFunctions.route(readable.and(request -> request.path().equals(CONFIG_PATH)),
                        request -> serve(request, configFile, headers))
                .andRoute(readable.and(request -> files.get(request.path()) != null),
                        request -> serve(request, files.get(request.path()), headers));
    }

    private static Mono<ServerResponse> serve(ServerRequest request, StaticFiles.StaticFile file, HttpHeaders headers) {
        return request.checkNotModified(file.etag()).switchIfEmpty(Mono.defer(() -> ServerResponse.ok()
                .contentType(file.type()).eTag(file.etag()).cacheControl(CacheControl.noCache())
                .headers(h -> h.addAll(headers)).bodyValue(file.body())));
    }

    /** The issuer the app signs in at: its own setting, else the gateway's token issuer; null with neither. */
    static URI issuer(WebAppProperties properties, Environment environment) {
        if (!properties.enabled()) {
            return null;
        }
        if (properties.issuer() != null) {
            return properties.issuer();
        }
        String configured = environment.getProperty(RESOURCE_SERVER_ISSUER);
        return configured == null || configured.isBlank() ? null
                : WebAppProperties.requireIssuer(URI.create(configured.strip()), RESOURCE_SERVER_ISSUER);
    }

    /** The headers of every answer: the policy names the issuer's origin, which the app calls for its tokens. */
    static HttpHeaders headers(URI issuer) {
        String origin = issuer.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + issuer.getRawAuthority();
        HttpHeaders headers = new HttpHeaders();
        headers.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
                + " img-src 'self' data:; font-src 'self'; connect-src 'self' " + origin + "; form-action 'self';"
                + " frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        return HttpHeaders.readOnlyHttpHeaders(headers);
    }
}
