package dev.bookmarks.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiPathsTest {

    @Test
    void readsTheUserSegmentOfAPathUnderTheUsersPrefix() {
        assertThat(ApiPaths.userSegment("/api/users/alice")).isEqualTo("alice");
        assertThat(ApiPaths.userSegment("/api/users/alice/bookmarks")).isEqualTo("alice");
        assertThat(ApiPaths.userSegment("/api/users/alice/bookmarks/3f2a")).isEqualTo("alice");
    }

    @Test
    void givesTheSegmentAsItStandsEvenWhenItIsNotAValidUserId() {
        assertThat(ApiPaths.userSegment("/api/users/")).isEmpty();
        assertThat(ApiPaths.userSegment("/api/users//bookmarks")).isEmpty();
        assertThat(ApiPaths.userSegment("/api/users/a%20b/bookmarks")).isEqualTo("a%20b");
        assertThat(ApiPaths.userSegment("/api/users/../bookmarks")).isEqualTo("..");
    }

    @Test
    void givesNullForAPathOutsideTheUsersPrefix() {
        assertThat(ApiPaths.userSegment(null)).isNull();
        assertThat(ApiPaths.userSegment("/api/users")).isNull();
        assertThat(ApiPaths.userSegment("/api/usersalice")).isNull();
        assertThat(ApiPaths.userSegment("/API/users/alice")).isNull();
        assertThat(ApiPaths.userSegment("/auth/dev-token")).isNull();
    }
}
