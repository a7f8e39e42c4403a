package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "shard-1", "bookmark-service-0",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void acceptsRfc1123LabelsAsIds(String id) {
        assertThat(Shard.active(id, "http://127.0.0.1:9001", 1).id()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", "a-", "Shard", "a_b", "a.b", "a b", "é"})
    void refusesIdsThatAreNotLowerCaseLabels(String id) {
        assertThatThrownBy(() -> Shard.active(id, "http://127.0.0.1:9001", 1))
                .hasMessageStartingWith("shard id must match [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?: ");
    }

    @Test
    void refusesSixtyFourCharacterIds() {
        assertThatThrownBy(() -> Shard.active("a".repeat(64), "http://h:1", 1))
                .hasMessageStartingWith("shard id must match");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://h/", "javascript:alert(1)", "/relative", "http:///nohost",
            "http://user@h:1", "http://h:1/?q=1", "http://h:1/#f"})
    void refusesUrlsThatAreNotPlainAbsoluteHttp(String url) {
        assertThatThrownBy(() -> Shard.active("a", url, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("shard url must");
    }

    @Test
    void refusesMalformedAndOverlongUrls() {
        assertThatThrownBy(() -> Shard.active("a", "http://h:1/ bad", 1))
                .hasMessageStartingWith("shard url is malformed: ");
        assertThatThrownBy(() -> Shard.active("a", "http://h/" + "p".repeat(1020), 1))
                .hasMessage("shard url must be at most 1024 characters: 1029");
    }

    @Test
    void acceptsHttpsAndIpv6Hosts() {
        assertThat(Shard.active("a", "https://[::1]:8443", 1).url()).isEqualTo(URI.create("https://[::1]:8443"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 10_001})
    void refusesWeightsOutsideTheRange(int weight) {
        assertThatThrownBy(() -> Shard.active("a", "http://h:1", weight))
                .hasMessage("shard weight must be in [1, 10000]: " + weight);
    }

    @Test
    void quotesUntrustedIdsWithControlCharactersEscaped() {
        assertThatThrownBy(() -> Shard.active("a\nb", "http://h:1", 1))
                .hasMessage("shard id must match [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?: \"a\\u000ab\"");
    }
}
