package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.migration.InternalRequestVerifier.Verdict;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import dev.bookmarks.protocol.RequestVerifier;
import dev.bookmarks.protocol.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shard-to-shard signatures ({@link InternalRequest}): what they cover, and that they and a gateway's never mix. */
class InternalRequestSigningTest {

    private static final String SECRET = "the internal secret of the signing tests, 32+ bytes";
    private static final String PATH = "/internal/migration/log";
    private static final String QUERY = "after=0&slots=7";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private final InternalRequestSigner signer = new InternalRequestSigner(InternalSecret.parse(SECRET), "s-2", clock);
    private final InternalRequestVerifier verifier = verifier(List.of(SECRET));

    @Test
    void aRequestSignedForThisShardIsVerifiedAsFromItsCaller() {
        Map<String, String> headers = signer.sign("GET", PATH, QUERY, new byte[0], "s-1");

        assertThat(verify("GET", PATH, QUERY, new byte[0], headers)).isEqualTo(new Verdict.Verified("s-2"));
        assertThat(headers).containsOnlyKeys(InternalHeaders.ALL);
    }

    @Test
    void theSignatureIsTheDocumentedFormUnderAKeyDerivedForThisPurpose() throws Exception {
        Map<String, String> headers = signer.sign("GET", PATH, QUERY, new byte[0], "s-1");
        String canonical = "i1\n3:GET\n23:" + PATH + "\n15:" + QUERY + "\n3:s-2\n3:s-1\n13:" + clock.millis() + "\n22:"
                + headers.get(InternalHeaders.NONCE) + "\n43:" + sha256("") + "\n";

        String derived = hmac(InternalSecret.parse(SECRET).derive(InternalRequest.PURPOSE).getEncoded(), canonical);
        String undrived = hmac(SECRET.getBytes(StandardCharsets.UTF_8), canonical);

        assertThat(headers.get(InternalHeaders.SIGNATURE)).isEqualTo("i1=" + derived);
        Map<String, String> withTheSecretItself = new HashMap<>(headers);
        withTheSecretItself.put(InternalHeaders.SIGNATURE, "i1=" + undrived);
        assertThat(verify("GET", PATH, QUERY, new byte[0], withTheSecretItself))
                .isEqualTo(new Verdict.Refused(InternalRequestVerifier.MISMATCH));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"method", "path", "query", "body", "callee", "caller", "timestamp", "nonce"})
    void changingAnyCoveredPartMakesTheSignatureNotMatch(String part) {
        Map<String, String> headers = new HashMap<>(signer.sign("GET", PATH, QUERY, new byte[0],
                part.equals("callee") ? "s-3" : "s-1"));
        String method = part.equals("method") ? "HEAD" : "GET";
        String path = part.equals("path") ? "/internal/migration/position" : PATH;
        String query = part.equals("query") ? "after=0&slots=8" : QUERY;
        byte[] body = part.equals("body") ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0];
        switch (part) {
            case "caller" -> headers.put(InternalHeaders.CALLER, "s-9");
            case "timestamp" -> headers.put(InternalHeaders.TIMESTAMP, Long.toString(clock.millis() + 1));
            case "nonce" -> headers.put(InternalHeaders.NONCE, "AAAAAAAAAAAAAAAAAAAAAA");
            default -> {
            }
        }

        assertThat(verify(method, path, query, body, headers))
                .isEqualTo(new Verdict.Refused(InternalRequestVerifier.MISMATCH));
    }

    @Test
    void aSignatureIsAcceptedOnce() {
        Map<String, String> headers = signer.sign("GET", PATH, QUERY, new byte[0], "s-1");

        verify("GET", PATH, QUERY, new byte[0], headers);

        assertThat(verify("GET", PATH, QUERY, new byte[0], headers))
                .isEqualTo(new Verdict.Refused(InternalRequestVerifier.REPLAYED));
    }

    @Test
    void aSignatureOutsideTheWindowIsRefusedEitherWay() {
        Map<String, String> headers = signer.sign("GET", PATH, QUERY, new byte[0], "s-1");

        clock.advance(Duration.ofSeconds(31));
        Verdict late = verify("GET", PATH, QUERY, new byte[0], headers);
        clock.advance(Duration.ofSeconds(-62));
        Verdict early = verify("GET", PATH, QUERY, new byte[0], headers);

        assertThat(late).isEqualTo(new Verdict.Refused(
                "the internal signature is 31000 ms from this shard's clock, beyond 30000 ms"));
        assertThat(early).isInstanceOf(Verdict.Refused.class);
    }

    @Test
    void aSignatureMadeBeforeTheVerifierStartedIsRefusedSinceItMayHaveBeenAcceptedBefore() {
        Map<String, String> headers = signer.sign("GET", PATH, QUERY, new byte[0], "s-1");
        clock.advance(Duration.ofSeconds(1));

        InternalRequestVerifier restarted = verifier(List.of(SECRET));

        assertThat(restarted.verify("GET", PATH, QUERY, new byte[0], headers::get))
                .isEqualTo(new Verdict.Refused(InternalRequestVerifier.FORGOTTEN));
    }

    @Test
    void aSignatureUnderTheOldSecretIsAcceptedDuringARotation() {
        String old = "the previous internal secret, also 32+ bytes long";
        InternalRequestSigner oldSigner = new InternalRequestSigner(InternalSecret.parse(old), "s-2", clock);
        InternalRequestVerifier rotating = verifier(List.of(SECRET, old));

        Map<String, String> headers = oldSigner.sign("GET", PATH, QUERY, new byte[0], "s-1");

        assertThat(rotating.verify("GET", PATH, QUERY, new byte[0], headers::get))
                .isEqualTo(new Verdict.Verified("s-2"));
    }

    @Test
    void aGatewaysSignatureOfTheSameRequestNeverVerifiesHere() {
        Map<String, String> gateway = new RequestSigner(InternalSecret.parse(SECRET), clock)
                .sign("GET", PATH, QUERY, List.of(), BodyDigest.EMPTY, "alice", "s-1", 1);
        Map<String, String> carried = new HashMap<>(Map.of(InternalHeaders.CALLER, "s-2",
                InternalHeaders.TIMESTAMP, gateway.get(GatewayHeaders.TIMESTAMP),
                InternalHeaders.NONCE, gateway.get(GatewayHeaders.NONCE),
                InternalHeaders.SIGNATURE, gateway.get(GatewayHeaders.SIGNATURE)));

        Verdict asIs = verify("GET", PATH, QUERY, new byte[0], carried);
        carried.put(InternalHeaders.SIGNATURE, "i1=" + gateway.get(GatewayHeaders.SIGNATURE).substring(3));
        Verdict relabelled = verify("GET", PATH, QUERY, new byte[0], carried);
        Verdict inItsOwnHeaders = verify("GET", PATH, QUERY, new byte[0], gateway);

        assertThat(asIs).isEqualTo(new Verdict.Refused(InternalRequestVerifier.NOT_I1));
        assertThat(relabelled).isEqualTo(new Verdict.Refused(InternalRequestVerifier.MISMATCH));
        assertThat(inItsOwnHeaders).isEqualTo(new Verdict.Refused(InternalRequestVerifier.NO_SIGNATURE));
    }

    @Test
    void anInternalSignatureNeverVerifiesAsAGatewaysSignature() {
        Map<String, String> internal = signer.sign("GET", PATH, QUERY, new byte[0], "s-1");
        RequestVerifier gatewayVerifier = new RequestVerifier(List.of(InternalSecret.parse(SECRET)), "s-1",
                Duration.ofSeconds(30), clock);
        Map<String, String> carried = new HashMap<>(Map.of(GatewayHeaders.USER, "s-2", GatewayHeaders.EPOCH, "1",
                GatewayHeaders.TIMESTAMP, internal.get(InternalHeaders.TIMESTAMP),
                GatewayHeaders.NONCE, internal.get(InternalHeaders.NONCE),
                GatewayHeaders.SIGNATURE, "v2=" + internal.get(InternalHeaders.SIGNATURE).substring(3)));

        RequestVerifier.Verdict verdict = gatewayVerifier.verify("GET", PATH, QUERY, List.of(), BodyDigest.EMPTY,
                carried::get);

        assertThat(verdict).isEqualTo(
                new RequestVerifier.Verdict.Refused("the gateway signature does not match this request"));
    }

    @Test
    void malformedSignatureHeadersAreRefusedSayingWhatIsWrong() {
        Map<String, String> good = signer.sign("GET", PATH, QUERY, new byte[0], "s-1");

        assertThat(verifyWith(good, InternalHeaders.SIGNATURE, null)).isEqualTo(InternalRequestVerifier.NO_SIGNATURE);
        assertThat(verifyWith(good, InternalHeaders.CALLER, "S 2")).isEqualTo(InternalRequestVerifier.BAD_CALLER);
        assertThat(verifyWith(good, InternalHeaders.TIMESTAMP, "soon")).isEqualTo(InternalRequestVerifier.NOT_A_NUMBER);
        assertThat(verifyWith(good, InternalHeaders.NONCE, "short")).isEqualTo(InternalRequestVerifier.BAD_NONCE);
        // 22 characters, but not the one spelling of 16 bytes: its last character carries bits 16 bytes lack.
        assertThat(verifyWith(good, InternalHeaders.NONCE, "AAAAAAAAAAAAAAAAAAAAAB"))
                .isEqualTo(InternalRequestVerifier.BAD_NONCE);
        assertThat(verifyWith(good, InternalHeaders.SIGNATURE, "v2=x")).isEqualTo(InternalRequestVerifier.NOT_I1);
    }

    private String verifyWith(Map<String, String> headers, String name, String value) {
        Map<String, String> changed = new HashMap<>(headers);
        changed.put(name, value);
        Verdict verdict = verify("GET", PATH, QUERY, new byte[0], changed);
        return ((Verdict.Refused) verdict).reason();
    }

    private Verdict verify(String method, String path, String query, byte[] body, Map<String, String> headers) {
        UnaryOperator<String> header = headers::get;
        return verifier.verify(method, path, query, body, header);
    }

    private InternalRequestVerifier verifier(List<String> secrets) {
        return new InternalRequestVerifier(secrets.stream().map(InternalSecret::parse).toList(), "s-1",
                Duration.ofSeconds(30), 100, clock);
    }

    private static String sha256(String body) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String hmac(byte[] key, String canonical) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
    }
}
