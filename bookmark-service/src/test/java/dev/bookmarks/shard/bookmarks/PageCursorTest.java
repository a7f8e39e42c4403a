package dev.bookmarks.shard.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class PageCursorTest {

    private static final PageCursor POSITION = new PageCursor(Instant.parse("2025-03-04T05:06:07.123456Z"),
            UUID.fromString("0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f"));

    @Test
    void aCursorDecodesToThePositionItWasMadeFor() {
        String cursor = POSITION.encode("alice", "java", "spring");

        assertThat(PageCursor.decode(cursor, "alice", "java", "spring")).isEqualTo(POSITION);
        assertThat(cursor).matches("[A-Za-z0-9_-]{50}");
    }

    @Test
    void timesBeforeTheEpochAndWithoutFilterWorkToo() {
        PageCursor old = new PageCursor(Instant.parse("1969-12-31T23:59:59.999999Z"), UUID.randomUUID());

        assertThat(PageCursor.decode(old.encode("bob", null, null), "bob", null, null)).isEqualTo(old);
    }

    @Test
    void aPositionIsKeptToTheMicrosecond() {
        PageCursor nanos = new PageCursor(Instant.parse("2025-03-04T05:06:07.123456789Z"), POSITION.id());

        assertThat(nanos.createdAt()).isEqualTo(POSITION.createdAt());
    }

    @Test
    void aCursorIsRefusedForAnotherUserTagOrSearch() {
        String cursor = POSITION.encode("alice", "java", "spring");

        assertRefused(cursor, "bob", "java", "spring");
        assertRefused(cursor, "alice", null, "spring");
        assertRefused(cursor, "alice", "java", null);
        assertRefused(cursor, "alice", "jav", "aspring");
    }

    @Test
    void changingAnyCharacterOfACursorMakesItInvalid() {
        String cursor = POSITION.encode("alice", null, null);
        for (int i = 0; i < cursor.length(); i++) {
            char replacement = cursor.charAt(i) == 'A' ? 'B' : 'A';
            String tampered = cursor.substring(0, i) + replacement + cursor.substring(i + 1);
            if (!tampered.equals(cursor)) {
                assertRefused(tampered, "alice", null, null);
            }
        }
    }

    @Test
    void garbageIsRefused() {
        assertRefused("", "alice", null, null);
        assertRefused("not a cursor", "alice", null, null);
        assertRefused("A".repeat(50), "alice", null, null);
        assertRefused("A".repeat(10_000), "alice", null, null);
        assertRefused(Base64.getUrlEncoder().encodeToString(new byte[37]), "alice", null, null);
    }

    private static void assertRefused(String cursor, String user, String tag, String q) {
        assertThatThrownBy(() -> PageCursor.decode(cursor, user, tag, q))
                .isInstanceOfSatisfying(ErrorResponseException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(400));
    }
}
