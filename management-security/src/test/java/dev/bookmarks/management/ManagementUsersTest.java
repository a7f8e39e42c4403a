package dev.bookmarks.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class ManagementUsersTest {

    private static final String BCRYPT = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("s3cret");

    @Test
    void refusesAPlainTextPasswordOutsideTheLocalProfileAndSaysHowToEncodeOne() {
        ManagementProperties properties = properties(new ManagementProperties.User("ops", "{noop}s3cret"));

        assertThatThrownBy(() -> new ManagementUsers(properties, false, Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bookmarks.management.users: the password of ops is {noop} (plain text)")
                .hasMessageContaining("htpasswd -bnBC 12")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void acceptsAPlainTextPasswordUnderTheLocalProfile() {
        ManagementUsers users = new ManagementUsers(properties(new ManagementProperties.User("ops", "{noop}s3cret")),
                true, Clock.systemUTC());

        assertThat(users.passwordEncoder().matches("s3cret", users.users().get(0).getPassword())).isTrue();
    }

    @Test
    void givesEveryOperatorTheOperatorRoleAndVerifiesBcrypt() {
        ManagementUsers users = new ManagementUsers(properties(new ManagementProperties.User("ops", BCRYPT)), false,
                Clock.systemUTC());

        assertThat(users.users()).singleElement().satisfies(user -> {
            assertThat(user.getUsername()).isEqualTo("ops");
            assertThat(user.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_OPERATOR");
        });
        assertThat(users.passwordEncoder().matches("s3cret", BCRYPT)).isTrue();
        assertThat(users.passwordEncoder().matches("guess", BCRYPT)).isFalse();
    }

    @Test
    void refusesAPasswordWithoutAnEncoderId() {
        assertThatThrownBy(() -> properties(new ManagementProperties.User("ops", "s3cret")))
                .hasMessageContaining("bookmarks.management.users needs a name and an encoded password");
    }

    @Test
    void refusesSettingsOutsideTheirRangesAndSaysTheRange() {
        assertThatThrownBy(() -> new ManagementProperties(List.of(), Duration.ofHours(2), 10))
                .hasMessage("bookmarks.management.authentication-cache must be in [0s, 1h]: PT2H");
        assertThatThrownBy(() -> new ManagementProperties(List.of(), Duration.ZERO, 0))
                .hasMessage("bookmarks.management.failed-logins-per-minute must be in [1, 1000]: 0");
    }

    @Test
    void keepsPasswordsOutOfToString() {
        assertThat(new ManagementProperties.User("ops", BCRYPT).toString()).isEqualTo("User[name=ops]");
    }

    private static ManagementProperties properties(ManagementProperties.User user) {
        return new ManagementProperties(List.of(user), Duration.ofMinutes(5), 10);
    }
}
