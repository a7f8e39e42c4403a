package dev.bookmarks.gateway.tls;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * TLS on the public port ({@code bookmarks.gateway.tls.*}, plus {@code bookmarks.gateway.data-dir}).
 * The listener itself is Spring Boot's: {@code server.ssl.*} and {@code server.http2.enabled} follow
 * {@code bookmarks.gateway.tls.enabled} in {@code application.yml}, and the key and certificate are the
 * SSL bundle {@value TlsConfiguration#BUNDLE}.
 *
 * @param enabled HTTPS (TLS 1.2 and 1.3, HTTP/2 by ALPN) on the public port; true by default. False
 *     serves plain HTTP/1.1, for tests and for a deployment behind a TLS-terminating proxy
 * @param selfSigned make the bundle from a development certificate in the data directory
 *     ({@link SelfSignedCertificate}) instead of from {@code spring.ssl.bundle.*.gateway.*}: the local
 *     profile's choice; never in production
 * @param selfSignedHosts host names or IP addresses to name in the development certificate besides
 *     {@code localhost}, {@code 127.0.0.1} and {@code ::1} (read only when it is first made)
 */
@ConfigurationProperties("bookmarks.gateway.tls")
public record TlsProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("false") boolean selfSigned,
        @DefaultValue List<String> selfSignedHosts) {

    /** The default of {@code bookmarks.gateway.data-dir}, relative to the working directory. */
    public static final String DEFAULT_DATA_DIR = "./data/gateway";

    public TlsProperties {
        selfSignedHosts = List.copyOf(selfSignedHosts);
    }

    /** Where a gateway whose data directory is {@code dataDir} keeps its development certificate (PEM). */
    public static Path certificatePath(Path dataDir) {
        return SelfSignedCertificate.certificatePath(dataDir);
    }
}
