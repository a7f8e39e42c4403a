package dev.bookmarks.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.protocol.RequestVerifier.Verdict;
import dev.bookmarks.protocol.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private static final String PATH = "/api/users/alice/bookmarks";
    private static final String BODY = "{\"url\":\"https://example.com/\",\"title\":\"Example\"}";

    private final RequestSigner signer = new RequestSigner(SECRET, CLOCK);
    private final RequestVerifier verifier = new RequestVerifier(List.of(SECRET), "s-1", Duration.ofSeconds(30), CLOCK);

    @Test
    void verifiesWhatAGatewaySigned() {
        Map<String, String> headers = signer.sign("POST", PATH, null, List.of("k-1"), digest(BODY), "alice", "s-1", 7);

        assertThat(headers).containsOnlyKeys(GatewayHeaders.ALL);
        assertThat(verifier.verify("POST", PATH, null, List.of("k-1"), digest(BODY), headers::get))
                .isEqualTo(new Verdict.Verified("alice", 7));
    }

    /** Pins version 2 of the canonical request, recomputed here from its documentation. */
    @Test
    void signsTheDocumentedCanonicalRequest() throws Exception {
        Map<String, String> headers = signer.sign("POST", PATH, "tag=java&limit=5", List.of("k-1"),
                BodyDigest.of("{}".getBytes(StandardCharsets.UTF_8)), "alice", "s-1", 42);

        String nonce = headers.get(GatewayHeaders.NONCE);
        String canonical = "v2\n4:POST\n26:/api/users/alice/bookmarks\n16:tag=java&limit=5\n5:alice\n3:s-1\n2:42\n13:"
                + NOW.toEpochMilli() + "\n22:" + nonce + "\n43:RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o\n1:1\n3:k-1\n";
        assertThat(headers.get(GatewayHeaders.SIGNATURE)).isEqualTo("v2=" + hmac(canonical));
        assertThat(headers.get(GatewayHeaders.TIMESTAMP)).isEqualTo(Long.toString(NOW.toEpochMilli()));
        assertThat(nonce).matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void makesAFreshNonceForEverySignature() {
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            nonces.add(signer.sign("GET", PATH, null, List.of(), BodyDigest.EMPTY, "alice", "s-1", 7).get(GatewayHeaders.NONCE));
        }

        assertThat(nonces).hasSize(1000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "another method         | PUT  | /api/users/alice/bookmarks     | ''    | k-1     | BODY",
            "another path           | POST | /api/users/alice/bookmarks/1   | ''    | k-1     | BODY",
            "another user's path    | POST | /api/users/bob/bookmarks       | ''    | k-1     | BODY",
            "an added query         | POST | /api/users/alice/bookmarks     | x=1   | k-1     | BODY",
            "another body           | POST | /api/users/alice/bookmarks     | ''    | k-1     | OTHER",
            "no body                | POST | /api/users/alice/bookmarks     | ''    | k-1     | NONE",
            "another key            | POST | /api/users/alice/bookmarks     | ''    | k-2     | BODY",
            "no key                 | POST | /api/users/alice/bookmarks     | ''    | NONE    | BODY",
            "an empty key           | POST | /api/users/alice/bookmarks     | ''    | EMPTY   | BODY",
            "a second key line      | POST | /api/users/alice/bookmarks     | ''    | k-1;k-1 | BODY",
            "both lines joined      | POST | /api/users/alice/bookmarks     | ''    | 'k-1, k-1' | BODY"})
    void refusesASignatureReplayedForAnotherRequest(String what, String method, String path, String query,
            String keys, String body) {
        Map<String, String> headers = signer.sign("POST", PATH, null, List.of("k-1"), digest(BODY), "alice", "s-1", 7);

        List<String> sentKeys = switch (keys) {
            case "NONE" -> List.of();
            case "EMPTY" -> List.of("");
            default -> List.of(keys.split(";"));
        };
        BodyDigest sentBody = switch (body) {
            case "BODY" -> digest(BODY);
            case "OTHER" -> digest(BODY.replace("Example", "Exampl3"));
            default -> BodyDigest.EMPTY;
        };
        assertThat(verifier.verify(method, path, query.isEmpty() ? null : query, sentKeys, sentBody, headers::get))
                .isEqualTo(new Verdict.Refused("the gateway signature does not match this request"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "X-Bookmarks-User,  bob",
            "X-Bookmarks-Epoch, 8",
            "X-Bookmarks-Timestamp, 1795780800001",
            "X-Bookmarks-Nonce, AAAAAAAAAAAAAAAAAAAAAA"})
    void refusesAnyOtherValueOfASignedHeader(String header, String value) {
        Map<String, String> headers = new HashMap<>(
                signer.sign("POST", PATH, null, List.of("k-1"), digest(BODY), "alice", "s-1", 7));
        assertThat(headers.get(header)).isNotEqualTo(value);

        headers.put(header, value);

        assertThat(verifier.verify("POST", PATH, null, List.of("k-1"), digest(BODY), headers::get))
                .isEqualTo(new Verdict.Refused("the gateway signature does not match this request"));
    }

    /** A shard that took over the user's slot since must not accept what was signed for the one before. */
    @Test
    void refusesASignatureMadeForAnotherShard() {
        Map<String, String> headers = signer.sign("POST", PATH, null, List.of(), digest(BODY), "alice", "s-2", 7);
        RequestVerifier other = new RequestVerifier(List.of(SECRET), "s-2", Duration.ofSeconds(30), CLOCK);

        assertThat(verifier.verify("POST", PATH, null, List.of(), digest(BODY), headers::get))
                .isEqualTo(new Verdict.Refused("the gateway signature does not match this request"));
        assertThat(other.verify("POST", PATH, null, List.of(), digest(BODY), headers::get))
                .isInstanceOf(Verdict.Verified.class);
    }

    @Test
    void refusesTheSameSignatureASecondTimeAndAcceptsTheSameRequestSignedAgain() {
        Map<String, String> first = signer.sign("POST", PATH, null, List.of(), digest(BODY), "alice", "s-1", 7);
        Map<String, String> again = signer.sign("POST", PATH, null, List.of(), digest(BODY), "alice", "s-1", 7);

        assertThat(verifier.verify("POST", PATH, null, List.of(), digest(BODY), first::get))
                .isInstanceOf(Verdict.Verified.class);
        assertThat(verifier.verify("POST", PATH, null, List.of(), digest(BODY), first::get))
                .isEqualTo(new Verdict.Refused("the gateway signature was already used"));
        assertThat(verifier.verify("POST", PATH, null, List.of(), digest(BODY), again::get))
                .isInstanceOf(Verdict.Verified.class);
    }

    @Test
    void doesNotSpendANonceOnARequestWhoseSignatureDoesNotMatch() {
        Map<String, String> headers = signer.sign("POST", PATH, null, List.of(), digest(BODY), "alice", "s-1", 7);

        assertThat(verifier.verify("POST", PATH, null, List.of(), digest("{}"), headers::get))
                .isInstanceOf(Verdict.Refused.class);
        assertThat(verifier.verify("POST", PATH, null, List.of(), digest(BODY), headers::get))
                .isInstanceOf(Verdict.Verified.class);
    }

    @Test
    void acceptsTimestampsUpToTheWindowEitherWayAndRefusesBeyond() {
        MutableClock shardClock = new MutableClock(NOW.minus(Duration.ofMinutes(5)));
        RequestVerifier started = new RequestVerifier(List.of(SECRET), "s-1", Duration.ofSeconds(30), shardClock);
        shardClock.set(NOW);
        for (long offset : new long[] {-30_000, 30_000}) {
            RequestSigner skewed = new RequestSigner(SECRET, Clock.offset(CLOCK, Duration.ofMillis(offset)));
            assertThat(started.verify("GET", "/p", null, List.of(), BodyDigest.EMPTY,
                    skewed.sign("GET", "/p", null, List.of(), BodyDigest.EMPTY, "alice", "s-1", 1)::get))
                    .isInstanceOf(Verdict.Verified.class);
        }
        for (long offset : new long[] {-30_001, 30_001}) {
            RequestSigner skewed = new RequestSigner(SECRET, Clock.offset(CLOCK, Duration.ofMillis(offset)));
            assertThat(started.verify("GET", "/p", null, List.of(), BodyDigest.EMPTY,
                    skewed.sign("GET", "/p", null, List.of(), BodyDigest.EMPTY, "alice", "s-1", 1)::get))
                    .isEqualTo(new Verdict.Refused(
                            "the gateway signature is 30001 ms from this shard's clock, beyond 30000 ms"));
        }
    }

    /** After a restart nothing is remembered: what was signed before it may have been accepted already. */
    @Test
    void refusesASignatureMadeBeforeTheVerifierWasMade() {
        RequestSigner earlier = new RequestSigner(SECRET, Clock.offset(CLOCK, Duration.ofMillis(-1)));

        assertThat(verifier.verify("GET", "/p", null, List.of(), BodyDigest.EMPTY,
                earlier.sign("GET", "/p", null, List.of(), BodyDigest.EMPTY, "alice", "s-1", 1)::get))
                .isEqualTo(new Verdict.Refused(
                        "the gateway signature is older than this shard's memory of used signatures"));
        assertThat(verifier.verify("GET", "/p", null, List.of(), BodyDigest.EMPTY,
                signer.sign("GET", "/p", null, List.of(), BodyDigest.EMPTY, "alice", "s-1", 1)::get))
                .isInstanceOf(Verdict.Verified.class);
    }

    @Test
    void refusesMissingOrMalformedHeaders() {
        Map<String, String> headers = signer.sign("GET", "/p", null, List.of(), BodyDigest.EMPTY, "alice", "s-1", 1);

        assertThat(verify(Map.of())).isEqualTo(new Verdict.Refused("the request carries no gateway signature"));
        assertThat(verify(without(headers, GatewayHeaders.SIGNATURE)))
                .isEqualTo(new Verdict.Refused("the request carries no gateway signature"));
        assertThat(verify(with(headers, GatewayHeaders.EPOCH, "one")))
                .isEqualTo(new Verdict.Refused("the gateway epoch or timestamp is not a number"));
        assertThat(verify(without(headers, GatewayHeaders.NONCE)))
                .isEqualTo(new Verdict.Refused("the gateway nonce is not 22 base64url characters"));
        assertThat(verify(with(headers, GatewayHeaders.NONCE, headers.get(GatewayHeaders.NONCE) + "A")))
                .isEqualTo(new Verdict.Refused("the gateway nonce is not 22 base64url characters"));
        assertThat(verify(with(headers, GatewayHeaders.NONCE, "+" + headers.get(GatewayHeaders.NONCE).substring(1))))
                .isEqualTo(new Verdict.Refused("the gateway nonce is not 22 base64url characters"));
        assertThat(verify(headers)).isInstanceOf(Verdict.Verified.class);
    }

    /** Version 1 covered neither body nor key nor nonce; shards accept version 2 only. */
    @Test
    void refusesAVersion1SignatureEvenWhenItIsCorrect() throws Exception {
        long now = NOW.toEpochMilli();
        String v1 = "v1=" + hmac("v1\nGET\n/p\n\nalice\n1\n" + now);
        Map<String, String> headers = Map.of(GatewayHeaders.USER, "alice", GatewayHeaders.EPOCH, "1",
                GatewayHeaders.TIMESTAMP, Long.toString(now), GatewayHeaders.SIGNATURE, v1);

        assertThat(verify(headers)).isEqualTo(new Verdict.Refused(
                "the gateway signature is not version v2, the only version this shard accepts"));
    }

    @Test
    void acceptsTheNewAndTheOldSecretDuringARotationButNotAnUnknownOne() {
        InternalSecret next = InternalSecret.parse("base64:" + Base64.getEncoder().encodeToString(new byte[32]));
        RequestVerifier rotating = new RequestVerifier(List.of(next, SECRET), "s-1", Duration.ofSeconds(30), CLOCK);
        RequestSigner renewed = new RequestSigner(next, CLOCK);
        RequestSigner stranger = new RequestSigner(InternalSecret.parse("x".repeat(32)), CLOCK);

        Map<String, String> old = signer.sign("POST", PATH, null, List.of("k"), digest(BODY), "alice", "s-1", 1);
        Map<String, String> current = renewed.sign("POST", PATH, null, List.of("k"), digest(BODY), "alice", "s-1", 1);
        Map<String, String> forged = stranger.sign("POST", PATH, null, List.of("k"), digest(BODY), "alice", "s-1", 1);

        assertThat(rotating.verify("POST", PATH, null, List.of("k"), digest(BODY), old::get))
                .isInstanceOf(Verdict.Verified.class);
        assertThat(rotating.verify("POST", PATH, null, List.of("k"), digest(BODY), current::get))
                .isInstanceOf(Verdict.Verified.class);
        assertThat(rotating.verify("POST", PATH, null, List.of("k"), digest(BODY), forged::get))
                .isEqualTo(new Verdict.Refused("the gateway signature does not match this request"));
        assertThat(verifier.verify("POST", PATH, null, List.of("k"), digest(BODY), current::get))
                .as("the new secret before the shard knows it")
                .isEqualTo(new Verdict.Refused("the gateway signature does not match this request"));
    }

    @Test
    void digestsABodyHeldInSeveralBuffersAsOne() {
        byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
        List<java.nio.ByteBuffer> parts = List.of(java.nio.ByteBuffer.wrap(bytes, 0, 10),
                java.nio.ByteBuffer.wrap(bytes, 10, bytes.length - 10));

        assertThat(BodyDigest.of(parts.iterator())).isEqualTo(BodyDigest.of(bytes));
        assertThat(BodyDigest.of(List.<java.nio.ByteBuffer>of().iterator())).isEqualTo(BodyDigest.EMPTY);
        assertThat(BodyDigest.EMPTY).hasToString("sha-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
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
    void refusesAWindowOrCapacityOutsideItsRange() {
        assertThatThrownBy(() -> new RequestVerifier(List.of(SECRET), "s-1", Duration.ofMinutes(6), CLOCK))
                .hasMessage("the signature window must be in [1s, 5m]: PT6M");
        assertThatThrownBy(() -> new RequestVerifier(List.of(), "s-1", Duration.ofSeconds(30), CLOCK))
                .hasMessage("at least one internal secret is needed");
        assertThatThrownBy(() -> new RequestVerifier(List.of(SECRET), "", Duration.ofSeconds(30), CLOCK))
                .hasMessage("the verifier needs the id of the shard it verifies for");
        assertThatThrownBy(() -> new RequestVerifier(List.of(SECRET), "s-1", Duration.ofSeconds(30), 1, CLOCK))
                .hasMessage("the replay memory's capacity must be in [2, 100000000]: 1");
    }

    private Verdict verify(Map<String, String> headers) {
        return verifier.verify("GET", "/p", null, List.of(), BodyDigest.EMPTY, headers::get);
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> changed = new HashMap<>(headers);
        changed.put(name, value);
        return changed;
    }

    private static Map<String, String> without(Map<String, String> headers, String name) {
        Map<String, String> changed = new HashMap<>(headers);
        changed.remove(name);
        return changed;
    }

    private static BodyDigest digest(String body) {
        return BodyDigest.of(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(String canonical) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET_TEXT.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
    }
}
