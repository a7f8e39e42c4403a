package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayPropertiesTest {

    private static final String SECRET = "local-development-secret-not-for-production";

    @Test
    void refusesAMissingInternalSecretAndSaysWhatToSet() {
        assertThatThrownBy(() -> properties(null)).hasMessageContaining("bookmarks.gateway.internal-secret")
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> properties("  ")).hasMessageContaining("missing");
    }

    @Test
    void refusesAShortInternalSecretWithoutPrintingIt() {
        assertThatThrownBy(() -> properties("too-short-a-secret"))
                .hasMessageContaining("at least 32 bytes").hasMessageNotContaining("too-short-a-secret");
    }

    @Test
    void neverPrintsTheSecret() {
        assertThat(properties(SECRET).toString()).doesNotContain(SECRET).contains("hidden");
    }

    @Test
    void refusesTimesOutsideTheirRanges() {
        assertThatThrownBy(() -> new GatewayProperties(SECRET, List.of(), Duration.ofMillis(10), Duration.ofSeconds(1)))
                .hasMessageContaining("ring-refresh-timeout");
        assertThatThrownBy(() -> new GatewayProperties(SECRET, List.of(), Duration.ofSeconds(1), Duration.ofMillis(1500)))
                .hasMessageContaining("retry-after");
        assertThatThrownBy(() -> new GatewayProperties(SECRET, List.of(), Duration.ofSeconds(1), Duration.ofHours(2)))
                .hasMessageContaining("retry-after");
    }

    @Test
    void refusesATrustedProxyThatIsNotAnAddressOrBlock() {
        assertThatThrownBy(() -> new GatewayProperties(SECRET, List.of("cafe.bad"), Duration.ofSeconds(1),
                Duration.ofSeconds(1))).hasMessageContaining("trusted-proxies");
    }

    @Test
    void givesRetryAfterInWholeSeconds() {
        assertThat(new GatewayProperties(SECRET, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .retryAfterHeader()).isEqualTo("5");
    }

    private static GatewayProperties properties(String secret) {
        return new GatewayProperties(secret, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }
}
