package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Retry arithmetic and builder checks, without a network. */
class BookmarksClientTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private static BookmarksClient client() {
        return BookmarksClient.builder(URI.create("https://bookmarks.test:8443"))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).random(new Random(1))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(2)).maxRetryAfter(Duration.ofSeconds(5)).build();
    }

    @Test
    void readsRetryAfterSecondsAndDatesWithinTheBound() {
        BookmarksClient client = client();
        assertThat(client.parseRetryAfter("2")).contains(Duration.ofSeconds(2));
        assertThat(client.parseRetryAfter(" 0 ")).contains(Duration.ZERO);
        assertThat(client.parseRetryAfter("3600")).contains(Duration.ofSeconds(5));
        assertThat(client.parseRetryAfter("Sun, 01 Jun 2025 12:00:03 GMT")).contains(Duration.ofSeconds(3));
        assertThat(client.parseRetryAfter("Sun, 01 Jun 2025 11:00:00 GMT")).contains(Duration.ZERO);
        assertThat(client.parseRetryAfter("Mon, 02 Jun 2025 12:00:00 GMT")).contains(Duration.ofSeconds(5));
        assertThat(client.parseRetryAfter("soon")).isEqualTo(Optional.empty());
    }

    @Test
    void backoffIsFullJitterUnderAGrowingCap() {
        BookmarksClient client = client();
        for (int i = 0; i < 200; i++) {
            assertThat(client.backoff(1)).isBetween(Duration.ZERO, Duration.ofMillis(100));
            assertThat(client.backoff(3)).isBetween(Duration.ZERO, Duration.ofMillis(400));
            assertThat(client.backoff(30)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

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
