package dev.bookmarks.gateway.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;

/**
 * The web app's files, read once from the classpath folder {@code web/} (the web-client module) and held in memory:
 * a few tens of kilobytes, served without touching a disk or a jar again. Each has a strong ETag, the SHA-256 of its
 * bytes, so a browser revalidates cheaply and never keeps a stale copy after an upgrade, whatever the jar's
 * timestamps. {@code /} is {@code index.html}. Only names the folder holds are served: a path is a key in a map,
 * never a file system lookup, so no traversal can reach anything else.
 */
final class StaticFiles {

    /** One file: its bytes, type and ETag. */
    record StaticFile(byte[] body, MediaType type, String etag) {
    }

    private static final Map<String, MediaType> TYPES = Map.of(
            "html", MediaType.parseMediaType("text/html;charset=UTF-8"),
            "js", MediaType.parseMediaType("text/javascript;charset=UTF-8"),
            "css", MediaType.parseMediaType("text/css;charset=UTF-8"),
            "svg", MediaType.parseMediaType("image/svg+xml"),
            "png", MediaType.IMAGE_PNG,
            "json", MediaType.APPLICATION_JSON,
            "txt", MediaType.parseMediaType("text/plain;charset=UTF-8"));

    private final Map<String, StaticFile> byPath;

    private StaticFiles(Map<String, StaticFile> byPath) {
        this.byPath = Map.copyOf(byPath);
    }

    /**
     * Reads every file under {@code classpath:web/}, keyed by its path from there with a leading slash
     * ({@code /index.html}, {@code /assets/app.js}), plus {@code /} for {@code index.html}.
     *
     * @throws IllegalStateException if there is no {@code web/index.html} or a file has a type not served
     */
    static StaticFiles fromClasspath() {
        Map<String, StaticFile> files = new HashMap<>();
        try {
            Resource[] resources = new PathMatchingResourcePatternResolver().getResources("classpath*:web/**");
            for (Resource resource : resources) {
                if (!resource.isReadable() || resource.getFilename() == null || resource.getFilename().isEmpty()) {
                    continue;
                }
                String url = resource.getURL().toString();
                int at = url.lastIndexOf("/web/");
                String path = url.substring(at + "/web".length());
                if (path.endsWith("/")) {
                    continue;
                }
                files.put(path, file(path, resource.getContentAsByteArray()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web app's files", e);
        }
        StaticFile index = files.get("/index.html");
        if (index == null) {
            throw new IllegalStateException("no web/index.html on the classpath (the web-client module)");
        }
        files.put("/", index);
        return new StaticFiles(files);
    }

    /** A file of these bytes at this path, its type from the extension. */
    static StaticFile file(String path, byte[] body) {
        int dot = path.lastIndexOf('.');
        MediaType type = dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new IllegalStateException("the web app holds a file of a type it does not serve: " + path);
        }
        return new StaticFile(body, type, etag(body));
    }

    static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** The file at this request path, or null. */
    StaticFile get(String path) {
        return byPath.get(path);
    }

    /** Every path served. */
    java.util.Set<String> paths() {
        return byPath.keySet();
    }
}
