package dev.bookmarks.bookmarkservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.bookmarkservice.ShardIntegrationBase;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import dev.bookmarks.protocol.attack.PathAttacks;
import dev.bookmarks.protocol.attack.RawHttp;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every spelling of another user's path ({@link PathAttacks}) against a real shard, sent byte for byte: without
 * a signature (anyone who can reach the shard's port), and signed by a gateway for the attacker's own user. Each
 * is 400, 401, 403 or 404, no answer carries the victim's bookmark, and the victim's bookmarks are unchanged.
 */
class HostilePathsIT extends ShardIntegrationBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET_URL = "https://victim.example/private";
    /** Both users on this shard, so that only the path checks stand between them. */
    private static final Ring RING = Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1)));
    private static final String VICTIM = "alice";
    private static final String ATTACKER = "mallory";

    private ActingGateway gateway;

    @BeforeEach
    void theVictimHasABookmark() {
        publishFirstRing(RING);
        gateway = actingGateway(RING);
        if (victimsBookmarks() == 0) {
            HttpResponse<String> created = gateway.send("POST", "/api/users/" + VICTIM + "/bookmarks", VICTIM,
                    "{\"url\":\"" + SECRET_URL + "\",\"title\":\"private\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
    }

    @Test
    void refusesEveryHostileSpellingOfAnotherUsersPathWithoutASignature() {
        List<String> targets = PathAttacks.targeting(VICTIM, ATTACKER);
        assertThat(targets).hasSizeGreaterThanOrEqualTo(25);

        List<String> outcomes = attack(targets, (method, target, body) -> Map.of());

        assertThat(outcomes).hasSize(2 * targets.size())
                .allSatisfy(outcome -> assertThat(outcome).matches("(400|401|403|404) .*"));
        assertThat(victimsBookmarks()).isEqualTo(1);
    }

    @Test
    void refusesEveryHostileSpellingOfAnotherUsersPathSignedForTheAttacker() {
        RequestSigner signer = new RequestSigner(InternalSecret.parse(SECRET), Clock.systemUTC());

        // The signature covers the raw path exactly as sent: the shard must still refuse what it names.
        List<String> outcomes = attack(PathAttacks.targeting(VICTIM, ATTACKER),
                (method, target, body) -> signer.sign(method, target, null, List.of(),
                        body == null ? BodyDigest.EMPTY : BodyDigest.of(body.getBytes(StandardCharsets.UTF_8)),
                        ATTACKER, "s-1", RING.epoch()));

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).matches("(400|401|403|404) .*"));
        assertThat(victimsBookmarks()).isEqualTo(1);
        assertThat(bookmarksOf(ATTACKER)).as("nothing written under the attacker's name either").isZero();
    }

    @Test
    void refusesANonCanonicalPathWith400ProblemBeforeTheSignatureIsChecked() {
        RawHttp.Answer answer = RawHttp.send(port, "GET", "/api;x/users/" + VICTIM + "/bookmarks", Map.of(), null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.raw()).contains("application/problem+json", "path parameters (;) are not accepted")
                .doesNotContain(SECRET_URL);
    }

    /**
     * Sends each target as a GET and as a POST (a create), with the headers {@code headers} makes for the method
     * and target; returns "status method target" per request, and fails if any answer carries the victim's
     * bookmark.
     */
    private List<String> attack(List<String> targets, Signing headers) {
        List<String> outcomes = new ArrayList<>();
        for (String target : targets) {
            for (String method : List.of("GET", "POST")) {
                String body = method.equals("POST") ? "{\"url\":\"https://attacker.example/" + outcomes.size() + "\"}" : null;
                RawHttp.Answer answer = RawHttp.send(port, method, target, headers.of(method, target, body), body);
                assertThat(answer.raw()).as("%s %s", method, target).doesNotContain(SECRET_URL);
                outcomes.add(answer.status() + " " + method + " " + target);
            }
        }
        return outcomes;
    }

    /** The headers sent with one attack: none, or a gateway's signature for the attacker. */
    @FunctionalInterface
    private interface Signing {
        Map<String, String> of(String method, String target, String body);
    }

    private int victimsBookmarks() {
        return bookmarksOf(VICTIM);
    }

    private int bookmarksOf(String user) {
        HttpResponse<String> list = gateway.send("GET", "/api/users/" + user + "/bookmarks", user, null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        return JSON.readTree(list.body()).get("items").size();
    }
}
