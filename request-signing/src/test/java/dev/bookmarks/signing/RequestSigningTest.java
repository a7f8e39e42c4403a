package dev.bookmarks.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestSigningTest {

    private static final String SECRET_TEXT = "an internal secret of 32+ bytes!!";
    private static final InternalSecret SECRET = InternalSecret.parse(SECRET_TEXT);
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final RequestSigner signer = new RequestSigner(SECRET, CLOCK);
    private final RequestVerifier verifier = new RequestVerifier(List.of(SECRET), Duration.ofSeconds(30), CLOCK);

    @Test
    void verifiesWhatAGatewaySigned() {
        Map<String, String> headers = signer.sign("POST", "/api/users/alice/bookmarks", null, "alice", 7);

        assertThat(headers).containsOnlyKeys(GatewayHeaders.ALL);
        assertThat(verify("POST", "/api/users/alice/bookmarks", null, headers))
                .isEqualTo(new RequestVerifier.Verdict.Verified("alice", 7));
    }

    /** Pins version 1 of the canonical request, recomputed here from its documentation. */
    @Test
    void signsTheDocumentedCanonicalRequest() throws Exception {
        Map<String, String> headers = signer.sign("GET", "/api/users/alice/bookmarks", "tag=java&limit=5", "alice", 42);

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET_TEXT.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String canonical = "v1\nGET\n/api/users/alice/bookmarks\ntag=java&limit=5\nalice\n42\n" + NOW.toEpochMilli();
        String expected = "v1=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(headers.get(GatewayHeaders.SIGNATURE)).isEqualTo(expected);
        assertThat(headers.get(GatewayHeaders.TIMESTAMP)).isEqualTo(Long.toString(NOW.toEpochMilli()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "another method, DELETE, /api/users/alice/bookmarks/1, ''",
            "another path,   GET,    /api/users/alice/bookmarks/2, ''",
            "another user's path, GET, /api/users/bob/bookmarks/1, ''",
            "an added query, GET,    /api/users/alice/bookmarks/1, x=1"})
    void refusesASignatureReplayedForAnotherRequest(String what, String method, String path, String query) {
        Map<String, String> headers = signer.sign("GET", "/api/users/alice/bookmarks/1", null, "alice", 7);

        assertThat(verify(method, path, query.isEmpty() ? null : query, headers))
                .isEqualTo(new RequestVerifier.Verdict.Refused("the gateway signature does not match this request"));
    }

    @Test
    void refusesAnotherUserOrEpochInTheHeaders() {
        Map<String, String> headers = new java.util.HashMap<>(
                signer.sign("GET", "/api/users/alice/bookmarks", null, "alice", 7));

        headers.put(GatewayHeaders.USER, "bob");
        assertThat(verify("GET", "/api/users/alice/bookmarks", null, headers))
                .isInstanceOf(RequestVerifier.Verdict.Refused.class);
        headers.put(GatewayHeaders.USER, "alice");
        headers.put(GatewayHeaders.EPOCH, "8");
        assertThat(verify("GET", "/api/users/alice/bookmarks", null, headers))
                .isInstanceOf(RequestVerifier.Verdict.Refused.class);
    }

    @Test
    void acceptsTimestampsUpToTheWindowEitherWayAndRefusesBeyond() {
        for (long offset : new long[] {-30_000, 30_000}) {
            RequestSigner skewed = new RequestSigner(SECRET, Clock.offset(CLOCK, Duration.ofMillis(offset)));
            assertThat(verify("GET", "/p", null, skewed.sign("GET", "/p", null, "alice", 1)))
                    .isInstanceOf(RequestVerifier.Verdict.Verified.class);
        }
        for (long offset : new long[] {-30_001, 30_001}) {
            RequestSigner skewed = new RequestSigner(SECRET, Clock.offset(CLOCK, Duration.ofMillis(offset)));
            assertThat(verify("GET", "/p", null, skewed.sign("GET", "/p", null, "alice", 1)))
                    .isEqualTo(new RequestVerifier.Verdict.Refused(
                            "the gateway signature is 30001 ms from this shard's clock, beyond 30000 ms"));
        }
    }

    @Test
    void refusesMissingOrMalformedHeaders() {
        Map<String, String> headers = signer.sign("GET", "/p", null, "alice", 1);

        assertThat(verifier.verify("GET", "/p", null, null, null, null, null))
                .isEqualTo(new RequestVerifier.Verdict.Refused("the request carries no gateway signature"));
        assertThat(verifier.verify("GET", "/p", null, "alice", "1", headers.get(GatewayHeaders.TIMESTAMP), null))
                .isInstanceOf(RequestVerifier.Verdict.Refused.class);
        assertThat(verifier.verify("GET", "/p", null, "alice", "one", headers.get(GatewayHeaders.TIMESTAMP),
                headers.get(GatewayHeaders.SIGNATURE)))
                .isEqualTo(new RequestVerifier.Verdict.Refused("the gateway epoch or timestamp is not a number"));
    }

    @Test
    void acceptsTheOldSecretDuringARotationButNotAnUnknownOne() {
        InternalSecret next = InternalSecret.parse("base64:" + Base64.getEncoder().encodeToString(new byte[32]));
        RequestVerifier rotating = new RequestVerifier(List.of(next, SECRET), Duration.ofSeconds(30), CLOCK);
        RequestSigner stranger = new RequestSigner(InternalSecret.parse("x".repeat(32)), CLOCK);

        Map<String, String> old = signer.sign("GET", "/p", null, "alice", 1);
        Map<String, String> forged = stranger.sign("GET", "/p", null, "alice", 1);

        assertThat(verify(rotating, old)).isInstanceOf(RequestVerifier.Verdict.Verified.class);
        assertThat(verify(rotating, forged)).isInstanceOf(RequestVerifier.Verdict.Refused.class);
    }

    @Test
    void refusesShortOrMissingSecretsWithoutPrintingThem() {
        assertThatThrownBy(() -> InternalSecret.parse("short"))
                .hasMessage("the internal secret must be at least 32 bytes: it has 5");
        assertThatThrownBy(() -> InternalSecret.parse(null)).hasMessageStartingWith("the internal secret is missing");
        assertThatThrownBy(() -> InternalSecret.parse("base64:!!!"))
                .hasMessage("the internal secret after base64: is not valid base64");
        assertThat(SECRET.toString()).isEqualTo("InternalSecret[33 bytes]").doesNotContain("secret of");
    }

    @Test
    void refusesAWindowOutsideItsRange() {
        assertThatThrownBy(() -> new RequestVerifier(List.of(SECRET), Duration.ofMinutes(6), CLOCK))
                .hasMessage("the signature window must be in [1s, 5m]: PT6M");
        assertThatThrownBy(() -> new RequestVerifier(List.of(), Duration.ofSeconds(30), CLOCK))
                .hasMessage("at least one internal secret is needed");
    }

    private RequestVerifier.Verdict verify(String method, String path, String query, Map<String, String> headers) {
        return verifier.verify(method, path, query, headers.get(GatewayHeaders.USER), headers.get(GatewayHeaders.EPOCH),
                headers.get(GatewayHeaders.TIMESTAMP), headers.get(GatewayHeaders.SIGNATURE));
    }

    private static RequestVerifier.Verdict verify(RequestVerifier verifier, Map<String, String> headers) {
        return verifier.verify("GET", "/p", null, headers.get(GatewayHeaders.USER), headers.get(GatewayHeaders.EPOCH),
                headers.get(GatewayHeaders.TIMESTAMP), headers.get(GatewayHeaders.SIGNATURE));
    }
}
