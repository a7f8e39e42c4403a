package dev.bookmarks.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import reactor.core.publisher.Mono;

class BearerTokenConverterTest {

    private static final String[] SCHEMES = {"Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer", "Bearer  ",
        "Bearer\t", "Bearer\n", " Bearer ", "Basic ", "Bearerx ", "Bearer_", "", "BEARE", "Bearer\u00a0",
        "Bearer\u0130", "Bear\u017fr ", "Bearer \u212a"};
    private static final char[] ALPHABET = ("abcxyzABCXYZ0189-._~+/=  \t\n\r,;:\"'%\u0000\u007f\u00e9\u017f\u212a"
            + "\u0130\u0131\uff21").toCharArray();

    private final ServerAuthenticationConverter spring = new ServerBearerTokenAuthenticationConverter();
    private final ServerAuthenticationConverter ours = new BearerTokenConverter();

    @Test
    void readsAWellFormedTokenInAnyCaseOfTheScheme() {
        assertThat(outcome(ours, "Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl")).isEqualTo("token eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl");
        assertThat(outcome(ours, "bEARER abc+/~_-.==")).isEqualTo("token abc+/~_-.==");
    }

    @Test
    void refusesAMalformedTokenAsInvalidAndIgnoresOtherSchemes() {
        assertThat(outcome(ours, "Bearer ")).isEqualTo("error invalid_token Bearer token is malformed");
        assertThat(outcome(ours, "Bearer a b")).isEqualTo("error invalid_token Bearer token is malformed");
        assertThat(outcome(ours, "Bearer ==")).isEqualTo("error invalid_token Bearer token is malformed");
        assertThat(outcome(ours, "Bearer a=b")).isEqualTo("error invalid_token Bearer token is malformed");
        assertThat(outcome(ours, "Bearer abc\n")).isEqualTo("error invalid_token Bearer token is malformed");
        assertThat(outcome(ours, "Basic dXNlcjpwYXNz")).isEqualTo("none");
        assertThat(outcome(ours, null)).isEqualTo("none");
    }

    @Test
    void decidesEveryHeaderAsSpringSecuritysConverterDoes() {
        List<String> values = new ArrayList<>();
        values.add(null);
        Random random = new Random(20261203);
        for (String scheme : SCHEMES) {
            values.add(scheme);
            for (int i = 0; i < 1_500; i++) {
                StringBuilder value = new StringBuilder(scheme);
                int length = random.nextInt(10);
                for (int j = 0; j < length; j++) {
                    value.append(ALPHABET[random.nextInt(ALPHABET.length)]);
                }
                values.add(value.toString());
            }
        }

        for (String value : values) {
            assertThat(outcome(ours, value)).as("Authorization: %s", value).isEqualTo(outcome(spring, value));
        }
    }

    /** "none", "token ..." or "error code description", for an {@code Authorization} header with {@code value}. */
    private static String outcome(ServerAuthenticationConverter converter, String value) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/users/alice/bookmarks");
        if (value != null) {
            request.header("Authorization", value);
        }
        try {
            Authentication authentication = Mono.defer(() -> converter.convert(MockServerWebExchange.from(request)))
                    .block(Duration.ofSeconds(5));
            return authentication == null ? "none"
                    : "token " + ((BearerTokenAuthenticationToken) authentication).getToken();
        } catch (OAuth2AuthenticationException e) {
            return "error " + e.getError().getErrorCode() + " " + e.getError().getDescription();
        }
    }
}
