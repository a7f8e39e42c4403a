package dev.bookmarks.bookmarkservice.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BookmarkInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aValidBodyIsNormalised() {
        BookmarkInput input = parse("{\"url\":\" https://example.com/a \",\"title\":\"  Title \","
                + "\"tags\":[\"B\",\" a\",\"b\"],\"notes\":\" keep \\n \"}");

        assertThat(input).isEqualTo(new BookmarkInput("https://example.com/a", "Title", List.of("a", "b"), " keep \n "));
    }

    @Test
    void absentAndNullOptionalMembersAreEmpty() {
        assertThat(parse("{\"url\":\"http://x.example\",\"title\":null,\"tags\":null}"))
                .isEqualTo(new BookmarkInput("http://x.example", "", List.of(), ""));
    }

    @Test
    void everyBrokenRuleIsReportedNotOnlyTheFirst() {
        assertThat(fields("{\"url\":\"ftp://x\",\"title\":1,\"tags\":[\"ok\",\"a b\",2],\"notes\":[],\"extra\":0}"))
                .containsExactly("extra", "url", "title", "notes", "tags[1]", "tags[2]");
    }

    @Test
    void theMembersOfAReadBookmarkAreAcceptedAndIgnored() {
        BookmarkInput input = parse("{\"id\":\"x\",\"url\":\"https://e.example/\",\"createdAt\":1,\"updatedAt\":null}");

        assertThat(input.url()).isEqualTo("https://e.example/");
    }

    @Test
    void lengthsCountCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00";

        assertThat(parse("{\"url\":\"https://e.example/\",\"title\":\"" + emoji.repeat(512) + "\"}").title())
                .hasSize(1024);
        assertThat(fields("{\"url\":\"https://e.example/\",\"title\":\"" + emoji.repeat(513) + "\"}"))
                .containsExactly("title");
    }

    @Test
    void urlsMustBeHttpOrHttpsWithAHost() {
        assertThat(parse("{\"url\":\"HTTPS://Example.com:8443/p?q=1#f\"}").url()).isEqualTo("HTTPS://Example.com:8443/p?q=1#f");
        assertThat(parse("{\"url\":\"http://[::1]/\"}").url()).isEqualTo("http://[::1]/");
        for (String bad : List.of("javascript:alert(1)", "data:,x", "mailto:a@b.example", "//example.com/x",
                "https:example.com", "http://", "http://exa mple.com")) {
            assertThat(fields("{\"url\":" + JSON.writeValueAsString(bad) + "}")).as(bad).containsExactly("url");
        }
    }

    @Test
    void thirtyTwoDistinctTagsAreAllowedAndDuplicatesDoNotCount() {
        StringBuilder tags = new StringBuilder("[");
        for (int i = 0; i < 32; i++) {
            tags.append("\"t").append(i).append("\",\"T").append(i).append("\",");
        }
        tags.setLength(tags.length() - 1);

        assertThat(parse("{\"url\":\"https://e.example/\",\"tags\":" + tags + "]}").tags()).hasSize(32);
    }

    @Test
    void theFingerprintIsTheSameForTheSameMeaningAndDiffersOtherwise() {
        String a = parse("{\"url\":\"https://e.example/\",\"tags\":[\"x\",\"Y\"]}").fingerprint("POST", "/p");
        String b = parse("{ \"tags\": [\"y\", \"x\", \"x\"], \"url\": \"https://e.example/ \" }").fingerprint("POST", "/p");
        String otherTitle = parse("{\"url\":\"https://e.example/\",\"title\":\"t\",\"tags\":[\"x\",\"y\"]}")
                .fingerprint("POST", "/p");
        String otherPath = parse("{\"url\":\"https://e.example/\",\"tags\":[\"x\",\"y\"]}").fingerprint("POST", "/q");

        assertThat(a).isEqualTo(b).hasSize(64);
        assertThat(otherTitle).isNotEqualTo(a);
        assertThat(otherPath).isNotEqualTo(a);
    }

    @Test
    void fieldBoundariesCannotBeShiftedToForgeAFingerprint() {
        BookmarkInput one = new BookmarkInput("u", "ab", List.of(), "c");
        BookmarkInput two = new BookmarkInput("u", "a", List.of(), "bc");

        assertThat(one.fingerprint("POST", "/p")).isNotEqualTo(two.fingerprint("POST", "/p"));
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedAsTheBody() {
        assertThat(fields("[]")).containsExactly("body");
        assertThat(fields("\"https://e.example/\"")).containsExactly("body");
    }

    @Test
    void controlCharactersAreRefusedExceptLineBreaksAndTabsInNotes() {
        assertThat(BookmarkInput.textProblem("a\tb\r\nc", true)).isNull();
        assertThat(BookmarkInput.textProblem("a\tb", false)).contains("U+0009");
        assertThat(BookmarkInput.textProblem("a\u0000", true)).contains("U+0000");
        assertThat(BookmarkInput.textProblem("\u0085", true)).contains("U+0085");
        assertThat(BookmarkInput.textProblem("x\uDC00", true)).contains("character 2 is an unpaired");
        assertThatThrownBy(() -> BookmarkInput.from(JSON.readTree("{\"url\":\"http://e.example\",\"notes\":\"\\u0007\"}")))
                .isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void urlsWithUserInformationAreRefusedBecauseTheyDisguiseTheHost() {
        for (String bad : List.of("https://bank.example@evil.example/login", "http://user:pass@example.com/",
                "https://@example.com/", "https://bank.example%40x@evil.example/")) {
            assertThat(fields("{\"url\":" + JSON.writeValueAsString(bad) + "}")).as(bad).containsExactly("url");
        }
        assertThat(parse("{\"url\":\"https://example.com/a@b\"}").url()).isEqualTo("https://example.com/a@b");
    }

    @Test
    void bidirectionalControlsAreRefusedInEveryTextField() {
        for (int c : new int[] {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}) {
            String sneaky = "invoice" + Character.toString(c) + "fdp.exe";
            assertThat(BookmarkInput.textProblem(sneaky, true)).as("U+%04X", c)
                    .isEqualTo(String.format("character 8 is the bidirectional control U+%04X", c));
            assertThat(fields("{\"url\":\"https://e.example\",\"title\":" + JSON.writeValueAsString(sneaky)
                    + ",\"notes\":" + JSON.writeValueAsString(sneaky) + ",\"tags\":[" + JSON.writeValueAsString(sneaky)
                    + "]}")).as("U+%04X", c).containsExactlyInAnyOrder("title", "notes", "tags[0]");
        }
        // Letters of right-to-left scripts and the implicit marks are text, not overrides.
        assertThat(BookmarkInput.textProblem("\u05e9\u05dc\u05d5\u05dd \u200f \u200e", false)).isNull();
    }

    private static BookmarkInput parse(String json) {
        return BookmarkInput.from(JSON.readTree(json));
    }

    private static List<String> fields(String json) {
        JsonNode body = JSON.readTree(json);
        ErrorResponseException refused = catchThrowableOfType(ErrorResponseException.class,
                () -> BookmarkInput.from(body));
        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        ProblemDetail problem = refused.getBody();
        @SuppressWarnings("unchecked")
        List<FieldError> errors = (List<FieldError>) problem.getProperties().get(BookmarkProblems.ERRORS);
        return errors.stream().map(FieldError::field).toList();
    }
}
