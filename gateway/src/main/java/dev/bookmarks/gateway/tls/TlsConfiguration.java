package dev.bookmarks.gateway.tls;

import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * TLS termination on the public port. Spring Boot's server serves the SSL bundle {@value #BUNDLE}
 * ({@code server.ssl.bundle} in {@code application.yml}) with HTTP/2 and HTTP/1.1 offered by ALPN;
 * the gateway-to-shard leg stays plain HTTP inside the trusted network. The management port does not
 * use TLS.
 *
 * <p>Production defines the bundle by properties, for example
 * {@code spring.ssl.bundle.pem.gateway.keystore.certificate=file:/etc/gateway/tls.crt},
 * {@code ...keystore.private-key=file:/etc/gateway/tls.key} and
 * {@code ...options.enabled-protocols=TLSv1.3,TLSv1.2}. The local profile
 * ({@code bookmarks.gateway.tls.self-signed=true}) registers it from a {@link SelfSignedCertificate}
 * made on first start in {@code bookmarks.gateway.data-dir} and reused afterwards; its path is logged
 * and is {@link SelfSignedCertificate#certificatePath(Path)}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TlsProperties.class)
public class TlsConfiguration {

    /** The name of the SSL bundle the public port serves. */
    public static final String BUNDLE = "gateway";

    /** TLS versions the development bundle accepts; the JDK refuses older ones anyway. */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);

    @Bean
    @ConditionalOnExpression("${bookmarks.gateway.tls.enabled:true} and ${bookmarks.gateway.tls.self-signed:false}")
    SslBundleRegistrar selfSignedGatewayBundle(TlsProperties tls,
            @Value("${bookmarks.gateway.data-dir:" + TlsProperties.DEFAULT_DATA_DIR + "}") Path dataDir) {
        SelfSignedCertificate certificate = SelfSignedCertificate.loadOrCreate(dataDir, tls.selfSignedHosts());
        log.warn("Local profile: HTTPS with a self-signed development certificate ({}), SHA-256 {}; clients"
                + " must trust {}", certificate.created() ? "made now" : "reused", certificate.fingerprint(),
                certificate.certificate());
        SslBundle bundle = SslBundle.of(SslStoreBundle.of(certificate.keyStore(), certificate.password(), null),
                SslBundleKey.of(certificate.password(), SelfSignedCertificate.ALIAS),
                SslOptions.of(null, PROTOCOLS));
        return registry -> registry.registerBundle(BUNDLE, bundle);
    }
}
