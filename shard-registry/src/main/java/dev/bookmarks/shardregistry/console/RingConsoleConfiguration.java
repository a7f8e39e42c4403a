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
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The ring console for operators, on the registry's management port beside the Actuator endpoints it reads
 * ({@code /actuator/ring}, {@code /actuator/route/{userId}}): {@code GET /console} (the page), its script and style
 * under {@code /console/}, and {@code GET /console/slots}, the slot table ({@link SlotTable}) that no Actuator
 * endpoint carries. Same origin, so the browser's Basic credentials for the port cover every call; the management
 * port's security ({@code AdminSecurityConfiguration}) lets an ADMIN or a VIEWER read them and sets the console's
 * Content-Security-Policy. The files have strong ETags and {@code Cache-Control: no-cache}.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
public class RingConsoleConfiguration {

    /** Every path the console serves. */
    public static final String PATHS = "/console/**";
    public static final String PAGE = "/console";

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
                .GET("/console/{file}", request -> {
                    File asset = assets.get(request.path());
                    return asset == null ? ServerResponse.notFound().build() : serve(request, asset);
                })
                .build();
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
