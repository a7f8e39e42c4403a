package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.attack.RawHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/** One client address over its rate gets 429 before any token is looked at (1 request/s, burst 3 here). */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.connections.per-address-rate=1",
        "bookmarks.gateway.limits.connections.per-address-burst=3"})
@ActiveProfiles("local")
class ClientAddressLimitIT extends GatewayIntegrationBase {

    @Test
    void anAddressOverItsRateIsAnswered429BeforeAuthentication() {
        // Tokens refill at 1 a second, so the count allowed is bounded by the time the burst took, not assumed.
        List<RawHttp.Answer> answers = new ArrayList<>();
        long start = System.nanoTime();
        while (answers.size() < 50 && (answers.isEmpty() || answers.get(answers.size() - 1).status() != 429)) {
            answers.add(RawHttp.send(port, "GET", "/api/users/alice/bookmarks", Map.of("Authorization",
                    "Bearer not-even-a-token"), null));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("[ClientAddressLimitIT] %d requests in %.2f s until the first 429%n", answers.size(), seconds);

        assertThat(answers.subList(0, 3)).as("the burst reaches authentication").extracting(RawHttp.Answer::status)
                .containsOnly(401);
        RawHttp.Answer refused = answers.get(answers.size() - 1);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.raw()).contains("application/problem+json", "Retry-After: 1")
                .doesNotContain("WWW-Authenticate");
        assertThat(answers.size() - 1L).as("allowed in %.2f s", seconds).isBetween(3L, 3L + (long) Math.ceil(seconds));
    }
}
