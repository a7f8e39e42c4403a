package dev.bookmarks.bookmarkservice.bookmarks;

import static dev.bookmarks.bookmarkservice.bookmarks.ShardClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.bookmarks.ShardClient.Reply;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of bad inputs ({@link BadInput#all}): each is answered 4xx as a problem naming the
 * field, and leaves the database as it was (no bookmark, tag or Idempotency-Key row for a refused
 * create; the bookmark unchanged for a refused replace).
 */
interface RefusedWritesContract extends ShardTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.bookmarks.bookmarkservice.bookmarks.BadInput#all")
    default void aBadWriteIsRefusedNamingTheFieldAndStoresNothing(BadInput input) {
        String user = input.userId() != null ? input.userId() : newUser("refused");
        String path = ShardClient.bookmarksPath(user);
        Reply before = null;
        if (input.method().equals("PUT")) {
            Reply created = client().create(user, json("url", "https://example.com/kept", "title", "kept",
                    "tags", List.of("kept")));
            path = created.header("Location");
            before = client().send("GET", path, null, null);
        }

        Reply reply = client().sendPublisher(input.method(), path, input.contentType(), input.body().get(),
                input.headers().toArray(String[]::new));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(input.status());
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        if (input.field() != null) {
            assertThat(reply.errorFields().split(",")).as(reply.toString()).contains(input.field());
        }
        if (before == null) {
            assertThat(storedRows(user)).isEqualTo("0/0/0");
        } else {
            assertThat(client().send("GET", path, null, null).body()).isEqualTo(before.body());
            assertThat(storedRows(user)).isEqualTo("1/1/0");
        }
    }
}
