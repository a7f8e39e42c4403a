package dev.bookmarks.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/users/alice/bookmarks", "/api/users/a.b_c-d/bookmarks/0c6f3a8e-1d2b-4c5d-9e8f-0a1b2c3d4e5f",
            "/api/users/alice/tags", "/auth/dev-token", "/api/users/.../bookmarks", "/api/users/a..b/tags",
            "/x/~!$&'()*+,=:@"})
    void acceptsPlainAsciiPathsWithoutEmptyOrDotSegments(String path) {
        assertThat(CanonicalPaths.violation(path)).isEmpty();
        assertThat(CanonicalPaths.isCanonical(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/api;x/users/alice/bookmarks", "/api/users/alice;v=1/bookmarks", "/api/users/alice/bookmarks;",
        "/%61pi/users/alice/bookmarks", "/api/users/%61lice/bookmarks", "/api/users/alice%2Fbookmarks",
        "/api/users/alice/bookmarks%3Fx", "/api/users/%2e%2e/bookmarks", "/api/users/%c0%ae%c0%ae/bookmarks",
        "//api/users/alice/bookmarks", "/api//users/alice/bookmarks", "/api/users/alice/bookmarks/",
        "/api/users/./alice/bookmarks", "/api/users/../users/alice/bookmarks", "/api/users/alice/.",
        "/api/users/alice/..", "/api\\users\\alice\\bookmarks", "/api/users/ali ce/bookmarks",
        "/api/users/al\tice/bookmarks", "/api/users/alicé/bookmarks", "/api/users/alice\u0000/bookmarks",
        "api/users/alice/bookmarks", "", "/api/users/alice/bookmarks?x", "/api/users/alice/bookmarks#f"})
    void refusesEveryOtherForm(String path) {
        assertThat(CanonicalPaths.violation(path)).isPresent();
        assertThat(CanonicalPaths.isCanonical(path)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%61pi/users", "/api;x", "/a\\b", "//a", "/a/./b"})
    void namesTheRuleAndNeverEchoesThePath(String path) {
        assertThat(CanonicalPaths.violation(path)).hasValueSatisfying(reason -> assertThat(reason)
                .doesNotContain(path.substring(1)));
    }

    @org.junit.jupiter.api.Test
    void refusesNull() {
        assertThat(CanonicalPaths.violation(null)).contains("the path must start with /");
    }
}
