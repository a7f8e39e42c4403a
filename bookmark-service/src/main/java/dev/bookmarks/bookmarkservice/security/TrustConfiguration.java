package dev.bookmarks.bookmarkservice.security;

import dev.bookmarks.bookmarkservice.ShardProperties;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestVerifier;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Installs {@link CanonicalPathFilter} first in the chain, for every path of the public port, and
 * {@link GatewaySignatureFilter} right after it, for every path but the shard-to-shard ones
 * ({@link dev.bookmarks.bookmarkservice.InternalPaths}, guarded by the migration package's filter at the same
 * place in the chain). Start-up fails, with a message that
 * says what to set, when no secret or a short one is configured, and when trust is switched off
 * outside the {@code test} profile.
 */
@Configuration(proxyBeanMethods = false)
class TrustConfiguration {

    /** Before everything: no filter may read a path the dispatcher would read differently. */
    static final int CANONICAL_PATH_ORDER = Ordered.HIGHEST_PRECEDENCE;

    /** Before every other filter, so nothing else spends work on a request no gateway sent. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private static final Logger log = LoggerFactory.getLogger(TrustConfiguration.class);

    /**
     * Tomcat refuses an encoded slash or backslash itself, with an HTML page, before any filter runs; passed
     * through undecoded instead, it reaches {@link CanonicalPathFilter}, which refuses it as problem+json like
     * every other non-canonical path (and nothing is ever decoded into a path separator).
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> encodedSlashesReachTheCanonicalPathFilter() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setEncodedSolidusHandling("passthrough");
            connector.setEncodedReverseSolidusHandling("passthrough");
        });
    }

    @Bean
    FilterRegistrationBean<CanonicalPathFilter> canonicalPathFilter() {
        FilterRegistrationBean<CanonicalPathFilter> registration = new FilterRegistrationBean<>(new CanonicalPathFilter());
        registration.setOrder(CANONICAL_PATH_ORDER);
        registration.addUrlPatterns("/*");
        return registration;
    }

    @Bean
    FilterRegistrationBean<GatewaySignatureFilter> gatewaySignatureFilter(TrustProperties properties,
            ShardProperties shard, Environment environment) {
        FilterRegistrationBean<GatewaySignatureFilter> registration = new FilterRegistrationBean<>();
        registration.setOrder(ORDER);
        registration.addUrlPatterns("/*");
        if (!properties.enabled()) {
            if (!Arrays.asList(environment.getActiveProfiles()).contains("test")) {
                throw new IllegalStateException(
                        "bookmarks.shard.trust.enabled=false is allowed only under the test profile");
            }
            log.warn("Gateway signatures are NOT checked (test profile)");
            registration.setEnabled(false);
            registration.setFilter(new GatewaySignatureFilter(null));
            return registration;
        }
        if (properties.secrets().isEmpty()) {
            throw new IllegalStateException("bookmarks.shard.trust.secrets is empty: set the internal secret shared"
                    + " with the gateways (at least 32 bytes, for example base64: and openssl rand -base64 32)");
        }
        RequestVerifier verifier = new RequestVerifier(
                properties.secrets().stream().map(InternalSecret::parse).toList(), shard.id(), properties.window(),
                properties.rememberedSignatures(), Clock.systemUTC());
        registration.setFilter(new GatewaySignatureFilter(verifier));
        return registration;
    }
}
