package dev.bookmarks.bookmarkservice.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.ErrorResponseException;

class RequestBodiesTest {

    @Test
    void aBodyOfExactly64KiBIsRead() throws Exception {
        String body = "{\"notes\":\"" + "n".repeat(RequestBodies.MAX_BYTES - 12) + "\"}";

        assertThat(body).hasSize(RequestBodies.MAX_BYTES);
        assertThat(RequestBodies.readJson(request(body, true)).get("notes").asString()).hasSize(RequestBodies.MAX_BYTES - 12);
    }

    @Test
    void aLargerBodyIsRefusedWith413WhetherItsLengthIsDeclaredOrNot() {
        String body = "{\"notes\":\"" + "n".repeat(RequestBodies.MAX_BYTES) + "\"}";

        for (boolean declared : List.of(true, false)) {
            ErrorResponseException refused = catchThrowableOfType(ErrorResponseException.class,
                    () -> RequestBodies.readJson(request(body, declared)));
            assertThat(refused.getStatusCode().value()).isEqualTo(413);
        }
    }

    @ParameterizedTest(name = "{0} names {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "{\"url\":|url",
            "{\"url\" 1}|url",
            "{\"tags\":[\"a\",}|tags[1]",
            "{\"a\":{\"b\":[1,2,x]}}|a.b[2]",
            "{\"url\":1,\"url\":2}|url",
            "[1,|body[1]",
            "{} []|body",
            "nonsense|body",
            "''|body"})
    void malformedJsonIsRefusedNamingTheMemberTheParserWasIn(String body, String field) {
        ErrorResponseException refused = catchThrowableOfType(ErrorResponseException.class,
                () -> RequestBodies.readJson(request(body, true)));

        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        @SuppressWarnings("unchecked")
        List<FieldError> errors = (List<FieldError>) refused.getBody().getProperties().get(BookmarkProblems.ERRORS);
        assertThat(errors).extracting(FieldError::field).containsExactly(field);
    }

    @Test
    void likePatternsMatchPercentUnderscoreAndTheEscapeLiterally() {
        assertThat(BookmarkStore.escapeLike("100%_x!")).isEqualTo("100!%!_x!!");
    }

    private static MockHttpServletRequest request(String body, boolean declareLength) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/users/u/bookmarks");
        request.setContentType("application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        request.setContent(bytes);
        if (!declareLength) {
            request.removeHeader("Content-Length");
        }
        return request;
    }
}
