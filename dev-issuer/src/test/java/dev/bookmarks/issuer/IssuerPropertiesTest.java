package dev.bookmarks.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IssuerPropertiesTest {

    @Test
    void keepsValidUsersAndTheAudience() {
        IssuerProperties properties = new IssuerProperties(Map.of("alice", "{noop}pw", "bob.b-1_2", "{bcrypt}$2a$x"),
                "bookmarks-api");

        assertThat(properties.users()).containsOnlyKeys("alice", "bob.b-1_2");
        assertThat(properties.audience()).isEqualTo("bookmarks-api");
    }

    @Test
    void refusesAUserIdTheGatewaysWouldRefuse() {
        for (String id : new String[] {"..", ".", "al ice", "alice/bob", "", "a".repeat(65), "ålice"}) {
            assertThatThrownBy(() -> new IssuerProperties(Map.of(id, "{noop}pw"), "bookmarks-api"))
                    .as("user ID %s", id).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[A-Za-z0-9._-]{1,64}");
        }
    }

    @Test
    void refusesAPasswordWithoutItsEncodingNoUsersAndABlankAudience() {
        assertThatThrownBy(() -> new IssuerProperties(Map.of("alice", "plain"), "bookmarks-api"))
                .hasMessageContaining("{bcrypt}");
        assertThatThrownBy(() -> new IssuerProperties(Map.of(), "bookmarks-api"))
                .hasMessageContaining("at least one user");
        assertThatThrownBy(() -> new IssuerProperties(Map.of("alice", "{noop}pw"), " "))
                .hasMessageContaining("audience");
    }
}
