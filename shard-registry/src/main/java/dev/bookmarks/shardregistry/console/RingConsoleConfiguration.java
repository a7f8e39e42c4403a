package dev.bookmarks.shardregistry.console;

import dev.bookmarks.registry.RingWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The ring console for operators, on the registry's management port beside the Actuator endpoints it reads
 * ({@code /actuator/ring}, {@code /actuator/route/{userId}}, {@code /actuator/migrations}): {@code GET /console} (the
 * page), its script and style ({@code /console/console.js}, {@code /console/console.css}), and
 * {@code GET /console/slots}, the slot table ({@link SlotTable}) that no Actuator endpoint carries; any other
 * {@code /console/} path is a 404 problem. Same origin,
 * so the browser's Basic credentials for the port cover every call; the management port's security
 * ({@code AdminSecurityConfiguration}) lets an ADMIN or a VIEWER read them, refuses every other method on them, and
 * sets the console's Content-Security-Policy, {@code nosniff} and {@code Referrer-Policy: no-referrer}. The files
 * have strong ETags (a SHA-256 of their bytes, so a 304 is exact) and {@code Cache-Control: no-cache}: a browser
 * revalidates on every load and never runs a script older than the registry it talks to.
 *
 * <p>The page follows the ring by polling {@code /actuator/ring} (and a resharding's progress by polling
 * {@code /actuator/migrations}) every 2 s rather than by server-sent events: it has
 * to read that endpoint anyway for what changes without a new epoch (liveness, heartbeat ages), a poll holds no
 * servlet thread or connection open per operator through proxies and registry restarts, and 2 s is well within
 * "seconds" for a human watching a ring change.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
public class RingConsoleConfiguration {

    /** Every path under the console's page: its files and its slot table. */
    public static final String PATHS = "/console/**";
    /** The console's page. */
    public static final String PAGE = "/console";

    /**
     * The console's requests, any method, on the management port only (never on the public port, which serves
     * nothing): what the management port's security must cover with a rule of its own.
     */
    public static RequestMatcher requests() {
        return new ManagementPortRequestMatcher(new OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(PAGE),
                PathPatternRequestMatcher.withDefaults().matcher(PATHS)));
    }

    private static final String BASE = "dev/bookmarks/shardregistry/console/";

    private record File(byte[] body, MediaType type, String etag) {
    }

    @Bean
    RouterFunction<ServerResponse> ringConsole(RingWatcher watcher) {
        File page = file("console.html", MediaType.parseMediaType("text/html;charset=UTF-8"));
        Map<String, File> assets = Map.of(
                "/console/console.js", file("console.js", MediaType.parseMediaType("text/javascript;charset=UTF-8")),
                "/console/console.css", file("console.css", MediaType.parseMediaType("text/css;charset=UTF-8")));
        return RouterFunctions.route()
                .GET(PAGE, request -> serve(request, page))
                .GET("/console/slots", request -> watcher.current()
                        .map(ring -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                                .cacheControl(CacheControl.noStore()).body(SlotTable.of(ring)))
                        .orElseGet(() -> ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                                        "No ring has been loaded from Redis yet"))))
                .GET(PATHS, request -> {
                    File asset = assets.get(request.path());
                    return asset == null ? notFound() : serve(request, asset);
                })
                .build();
    }

    private static ServerResponse notFound() {
        return ServerResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "The ring console serves " + PAGE
                        + ", /console/console.js, /console/console.css and /console/slots only"));
    }

    private static ServerResponse serve(ServerRequest request, File file) {
        return request.checkNotModified(file.etag()).orElseGet(() -> ServerResponse.ok().contentType(file.type())
                .eTag(file.etag()).cacheControl(CacheControl.noCache()).body(file.body()));
    }

    private static File file(String name, MediaType type) {
        try {
            byte[] body = new ClassPathResource(BASE + name).getContentAsByteArray();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return new File(body, type,
                    "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException("the ring console's " + name + " is missing from the classpath", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
