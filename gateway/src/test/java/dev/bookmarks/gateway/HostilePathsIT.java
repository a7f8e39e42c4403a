package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.attack.PathAttacks;
import dev.bookmarks.protocol.attack.RawHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * Every spelling of another user's path ({@link PathAttacks}) against a real gateway, sent byte for byte,
 * without a token and with the attacker's own valid token: each is 400, 401, 403 or 404, and nothing reaches
 * the shard (the stub shard that owns every user records what it receives).
 */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.rate-limit.enabled=false"})
@ActiveProfiles("local")
class HostilePathsIT extends GatewayIntegrationBase {

    private static final String VICTIM = "alice";
    private static final String ATTACKER = "mallory";

    @AutoClose
    static final StubShard shard = StubShard.start("s-a");

    private GatewayClient client;

    @BeforeEach
    void oneShardOwnsEveryone() {
        client = new GatewayClient(port);
        publishRing(shard);
        shard.reset();
    }

    @Test
    void refusesEveryHostileSpellingOfAnotherUsersPathWithoutAToken() {
        List<String> targets = PathAttacks.targeting(VICTIM, ATTACKER);
        assertThat(targets).hasSizeGreaterThanOrEqualTo(25);

        List<String> outcomes = attack(targets, Map.of());

        assertThat(outcomes).hasSize(2 * targets.size())
                .allSatisfy(outcome -> assertThat(outcome).matches("(400|401|403|404) .*"));
        assertThat(shard.received()).as("requests that reached the shard").isEmpty();
    }

    @Test
    void refusesEveryHostileSpellingOfAnotherUsersPathWithTheAttackersOwnToken() {
        Map<String, String> attacker = Map.of("Authorization", "Bearer " + client.devToken(ATTACKER));

        List<String> outcomes = attack(PathAttacks.targeting(VICTIM, ATTACKER), attacker);

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).matches("(400|401|403|404) .*"));
        assertThat(shard.received()).as("requests that reached the shard").isEmpty();
        // The same token on its own canonical path does reach the shard: the refusals above are the paths'.
        assertThat(RawHttp.send(port, "GET", "/api/users/" + ATTACKER + "/bookmarks", attacker, null).status())
                .isEqualTo(200);
        assertThat(shard.received()).hasSize(1);
    }

    @Test
    void refusesANonCanonicalPathWith400ProblemBeforeAuthentication() {
        RawHttp.Answer answer = RawHttp.send(port, "GET", "/%61pi/users/" + VICTIM + "/bookmarks", Map.of(), null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.raw()).contains("application/problem+json", "percent-encoding is not accepted");
    }

    private List<String> attack(List<String> targets, Map<String, String> headers) {
        List<String> outcomes = new ArrayList<>();
        for (String target : targets) {
            for (String method : List.of("GET", "POST")) {
                String body = method.equals("POST") ? "{\"url\":\"https://attacker.example/\"}" : null;
                outcomes.add(RawHttp.send(port, method, target, headers, body).status() + " " + method + " " + target);
            }
        }
        return outcomes;
    }
}
