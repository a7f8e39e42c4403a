package dev.bookmarks.bookmarkservice.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.ErrorResponseException;

class BookmarkIdsTest {

    @Test
    void anIdIsAVersionSevenUuidCarryingItsMillisecond() {
        Instant at = Instant.parse("2025-03-04T05:06:07.123456Z");

        UUID id = BookmarkIds.next(at);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(at.toEpochMilli());
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAndDoNotRepeat() {
        Instant at = Instant.parse("2025-03-04T05:06:07Z");
        UUID earlier = BookmarkIds.next(at);
        UUID later = BookmarkIds.next(at.plusMillis(1));

        assertThat(Long.compareUnsigned(later.getMostSignificantBits(), earlier.getMostSignificantBits())).isPositive();
        assertThat(BookmarkIds.next(at)).isNotEqualTo(BookmarkIds.next(at));
    }

    @Test
    void anIdParsesInEitherCaseToTheLowerCaseUuid() {
        UUID parsed = BookmarkIds.parse("0190A5C2-7B1E-7C3D-9F00-1A2B3C4D5E6F");

        assertThat(parsed.toString()).isEqualTo("0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "1-1-1-1-1", "0190a5c27b1e7c3d9f001a2b3c4d5e6f", "{0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f}",
            "0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6g", "0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f0"})
    void anythingButTheCanonicalFormIsRefused(String id) {
        assertThatThrownBy(() -> BookmarkIds.parse(id)).isInstanceOf(ErrorResponseException.class);
    }
}
