package dev.bookmarks.bookmarkservice.bookmarks;

import static dev.bookmarks.bookmarkservice.bookmarks.ShardClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.bookmarks.ShardClient.Reply;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key} on create, as the IETF draft and docs/architecture.md ("Idempotency-Key") describe it. */
interface IdempotencyContract extends ShardTest {

    @Test
    default void aRetryWithTheSameKeyAndBodyGetsTheFirstAnswerAgainAndMakesNoSecondBookmark() {
        String user = newUser("retry");
        String body = json("url", "https://example.com/", "title", "Once", "tags", List.of("a"));

        Reply first = client().create(user, body, "Idempotency-Key", "key-1");
        Reply retry = client().create(user, body, "Idempotency-Key", "key-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(retry.header("Content-Type")).isEqualTo(first.header("Content-Type"));
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(storedRows(user)).isEqualTo("1/1/1");
    }

    @Test
    default void aRetryIsRecognisedByWhatTheBodyMeansNotHowItIsSpelt() {
        String user = newUser("spelling");
        Reply first = client().create(user,
                "{\"url\":\"https://example.com/\",\"tags\":[\"b\",\"A\"],\"title\":\"T\"}", "Idempotency-Key", "k");

        Reply retry = client().create(user,
                "{ \"title\" : \"T\" ,\n \"tags\": [\" a \", \"B\", \"a\"], \"url\": \" https://example.com/ \", \"notes\": null }",
                "Idempotency-Key", "k");

        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(storedRows(user)).isEqualTo("1/2/1");
    }

    @Test
    default void theSameKeyWithAnotherBodyAnswers422AndStoresNothingMore() {
        String user = newUser("reuse");
        Reply first = client().create(user, json("url", "https://example.com/1"), "Idempotency-Key", "k");

        Reply other = client().create(user, json("url", "https://example.com/2"), "Idempotency-Key", "k");

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.header("Content-Type")).startsWith("application/problem+json");
        assertThat(other.errorFields()).isEqualTo("Idempotency-Key");
        assertThat(storedRows(user)).isEqualTo("1/0/1");
        assertThat(client().create(user, json("url", "https://example.com/1"), "Idempotency-Key", "k").body())
                .isEqualTo(first.body());
    }

    @Test
    default void aRetryWhileTheFirstRequestIsStillRunningAnswers409() {
        String user = newUser("inflight");
        String body = json("url", "https://example.com/");
        String fingerprint = BookmarkInput.from(ShardClient.JSON.readTree(body))
                .fingerprint("POST", ShardClient.bookmarksPath(user));
        // What the first request's claim leaves while it is writing: its row, in progress, just locked.
        jdbc().sql("""
                        INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, state, lock_token, locked_at, stored_at)
                        VALUES (:user, 'k', :fingerprint, 'IN_PROGRESS', :token, :now, :now)""")
                .param("user", user).param("fingerprint", fingerprint).param("token", UUID.randomUUID())
                .param("now", OffsetDateTime.now(ZoneOffset.UTC)).update();

        Reply retry = client().create(user, body, "Idempotency-Key", "k");
        Reply other = client().create(user, json("url", "https://example.com/other"), "Idempotency-Key", "k");

        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.header("Content-Type")).startsWith("application/problem+json");
        assertThat(retry.header("Retry-After")).isEqualTo("1");
        assertThat(retry.errorFields()).isEqualTo("Idempotency-Key");
        assertThat(other.status()).isEqualTo(422);
        assertThat(storedRows(user)).isEqualTo("0/0/1");
    }

    @RepeatedTest(5)
    default void concurrentRequestsWithOneKeyMakeExactlyOneBookmark() throws Exception {
        String user = newUser("race");
        String body = json("url", "https://example.com/race", "tags", List.of("t"));
        int requests = 8;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Reply>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return client().create(user, body, "Idempotency-Key", "race-key");
                }));
            }
            start.countDown();
            List<Reply> replies = new ArrayList<>();
            for (Future<Reply> future : futures) {
                replies.add(future.get(30, TimeUnit.SECONDS));
            }

            // Whoever lost the claim answers 409 while the winner writes, or replays once it wrote.
            assertThat(replies).extracting(Reply::status).isSubsetOf(201, 409).contains(201);
            assertThat(replies.stream().filter(r -> r.status() == 201).map(Reply::body).distinct()).hasSize(1);
            assertThat(storedRows(user)).isEqualTo("1/1/1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void aKeyBelongsToItsUser() {
        String alice = newUser("alice");
        String bob = newUser("bob");
        String body = json("url", "https://example.com/");

        Reply a = client().create(alice, body, "Idempotency-Key", "shared");
        Reply b = client().create(bob, body, "Idempotency-Key", "shared");

        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(201);
        assertThat(b.json().get("id")).isNotEqualTo(a.json().get("id"));
    }

    @Test
    default void aQuotedKeyAndItsBareFormAreOneKey() {
        String user = newUser("quoted");
        String body = json("url", "https://example.com/");

        Reply quoted = client().create(user, body, "Idempotency-Key", "\"8e03978e-40d5\"");
        Reply bare = client().create(user, body, "Idempotency-Key", "8e03978e-40d5");

        assertThat(bare.body()).isEqualTo(quoted.body());
        assertThat(bare.header("Idempotent-Replayed")).isEqualTo("true");
    }

    @Test
    default void aRefusedRequestDoesNotUseUpItsKey() {
        String user = newUser("unused");

        Reply refused = client().create(user, json("url", "ftp://example.com/"), "Idempotency-Key", "k");
        Reply accepted = client().create(user, json("url", "https://example.com/"), "Idempotency-Key", "k");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(accepted.status()).isEqualTo(201);
        assertThat(accepted.header("Idempotent-Replayed")).isNull();
    }

    @Test
    default void createsWithoutAKeyAreNotDeduplicated() {
        String user = newUser("nokey");
        String body = json("url", "https://example.com/");

        client().create(user, body);
        client().create(user, body);

        assertThat(storedRows(user)).isEqualTo("2/0/0");
    }
}
