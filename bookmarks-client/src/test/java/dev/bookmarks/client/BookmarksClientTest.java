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
    void reportsAnUnknownHostAsNoAnswer() {
        BookmarksClient client = BookmarksClient.builder(URI.create("https://nowhere.test"))
                .resolver(host -> { throw new java.net.UnknownHostException(host); }).build();
        assertThatThrownBy(() -> client.tags("alice")).isInstanceOfSatisfying(BookmarksException.class,
                e -> assertThat(e.status()).isZero());
    }
}
