package dev.bookmarks.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IssuerPropertiesTest {

    @Test
    void keepsValidUsersAndTheAudience() {
        IssuerProperties properties = new IssuerProperties(Map.of("alice", "{noop}pw", "bob.b-1_2", "{bcrypt}$2a$x"),
                "bookmarks-api", List.of("http://127.0.0.1:[*]"));

        assertThat(properties.users()).containsOnlyKeys("alice", "bob.b-1_2");
        assertThat(properties.audience()).isEqualTo("bookmarks-api");
    }

    @Test
    void refusesAUserIdTheGatewaysWouldRefuse() {
        for (String id : new String[] {"..", ".", "al ice", "alice/bob", "", "a".repeat(65), "ålice"}) {
            assertThatThrownBy(() -> new IssuerProperties(Map.of(id, "{noop}pw"), "bookmarks-api", List.of("http://127.0.0.1:[*]")))
                    .as("user ID %s", id).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[A-Za-z0-9._-]{1,64}");
        }
    }

    @Test
    void refusesAPasswordWithoutItsEncodingNoUsersAndABlankAudience() {
        assertThatThrownBy(() -> new IssuerProperties(Map.of("alice", "plain"), "bookmarks-api", List.of("http://127.0.0.1:[*]")))
                .hasMessageContaining("{bcrypt}");
        assertThatThrownBy(() -> new IssuerProperties(Map.of(), "bookmarks-api", List.of("http://127.0.0.1:[*]")))
                .hasMessageContaining("at least one user");
        assertThatThrownBy(() -> new IssuerProperties(Map.of("alice", "{noop}pw"), " ", List.of("http://127.0.0.1:[*]")))
                .hasMessageContaining("audience");
    }

    @Test
    void refusesNoAllowedOriginOrEveryOrigin() {
        assertThatThrownBy(() -> new IssuerProperties(Map.of("alice", "{noop}pw"), "bookmarks-api", List.of()))
                .hasMessageContaining("allowed-origins");
        assertThatThrownBy(() -> new IssuerProperties(Map.of("alice", "{noop}pw"), "bookmarks-api", List.of("*")))
                .hasMessageContaining("not *");
    }
}
