package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builder checks, without a network; the retry arithmetic is in {@link RetryPolicyTest}. */
class BookmarksClientTest {

    @Test
    void checksItsSettings() {
        assertThatThrownBy(() -> BookmarksClient.builder(URI.create("ftp://x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BookmarksClient.builder(URI.create("https:///x"))).isInstanceOf(IllegalArgumentException.class);
        BookmarksClient.Builder builder = BookmarksClient.builder(URI.create("https://x"));
        assertThatThrownBy(() -> builder.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.connectFailurePause(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 10 min]");
        assertThatThrownBy(() -> builder.connectFailurePause(Duration.ofMinutes(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 10 min]");
        assertThat(builder.connectFailurePause(Duration.ZERO)).isSameAs(builder);
        assertThat(new BookmarkDraft("https://e.com", null, null, null).tags()).isEqualTo(List.of());
    }

    @Test
    void acceptsPortsAtBothEndsOfTheRange() {
        BookmarksClient.Builder builder = BookmarksClient.builder(URI.create("https://x"));
        assertThat(builder.ports(1)).isSameAs(builder);
        assertThat(builder.ports(65535)).isSameAs(builder);
        assertThat(builder.ports(1, 8443, 65535).build()).isNotNull();
    }

    @Test
    void refusesPortsOutsideOneTo65535NamingTheRangeAndThePort() {
        BookmarksClient.Builder builder = BookmarksClient.builder(URI.create("https://x"));
        assertThatThrownBy(() -> builder.ports(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ports must be in [1, 65535]: 0");
        assertThatThrownBy(() -> builder.ports(65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ports must be in [1, 65535]: 65536");
        assertThatThrownBy(() -> builder.ports(8443, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ports must be in [1, 65535]: -1");
    }

    @Test
    void refusesRepeatedPortsAndNoPortsAtAll() {
        BookmarksClient.Builder builder = BookmarksClient.builder(URI.create("https://x"));
        assertThatThrownBy(() -> builder.ports(8443, 8444, 8443))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ports must not repeat: 8443");
        assertThatThrownBy(() -> builder.ports())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> builder.ports(new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> builder.ports((int[]) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void reportsAnUnknownHostAsNoAnswer() {
        BookmarksClient client = BookmarksClient.builder(URI.create("https://nowhere.test"))
                .resolver(host -> { throw new java.net.UnknownHostException(host); }).build();
        assertThatThrownBy(() -> client.tags("alice")).isInstanceOfSatisfying(BookmarksException.class,
                e -> assertThat(e.status()).isZero());
    }
}
