package dev.bookmarks.bookmarkservice.bookmarks;

import static dev.bookmarks.bookmarkservice.bookmarks.ShardClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.bookmarks.ShardClient.Reply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Every call of the bookmark API (docs/architecture.md, "Public API") as a client sees it. */
interface BookmarkApiContract extends ShardTest {

    @Test
    default void creatingABookmarkAnswers201WithTheBookmarkAndItsLocation() {
        String user = newUser("create");
        Reply created = client().create(user,
                json("url", "https://example.com/a", "title", "Example", "tags", List.of("java"), "notes", "n"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith("application/json");
        JsonNode body = created.json();
        String id = body.get("id").asString();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(created.header("Location")).isEqualTo("/api/users/" + user + "/bookmarks/" + id);
        assertThat(body.propertyNames()).containsExactlyInAnyOrder(
                "id", "url", "title", "tags", "notes", "createdAt", "updatedAt");
        assertThat(body.get("url").asString()).isEqualTo("https://example.com/a");
        assertThat(body.get("title").asString()).isEqualTo("Example");
        assertThat(body.get("notes").asString()).isEqualTo("n");
        assertThat(body.get("tags").toString()).isEqualTo("[\"java\"]");
        assertThat(body.get("createdAt").asString()).isEqualTo(body.get("updatedAt").asString());
        assertThat(Instant.parse(body.get("createdAt").asString())).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    default void aCreatedBookmarkReadsBackAtItsLocationAsCreated() {
        String user = newUser("read");
        Reply created = client().create(user, json("url", "http://example.org/", "title", "T", "tags", List.of("b", "a")));

        Reply read = client().send("GET", created.header("Location"), null, null);

        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(created.json());
    }

    @Test
    default void tagsAreStrippedLowerCasedDeduplicatedAndSorted() {
        String user = newUser("tags");
        Reply created = client().create(user, json("url", "https://example.com/",
                "tags", List.of(" Java ", "JAVA", "c++", "Web-Dev", "日本語", "java")));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("tags").toString()).isEqualTo("[\"c++\",\"java\",\"web-dev\",\"日本語\"]");
    }

    @Test
    default void onlyTheUrlIsRequiredAndTheOtherFieldsDefaultToEmpty() {
        String user = newUser("minimal");
        Reply created = client().create(user, json("url", "  https://example.com/x  ", "title", null));

        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.get("url").asString()).isEqualTo("https://example.com/x");
        assertThat(body.get("title").asString()).isEmpty();
        assertThat(body.get("notes").asString()).isEmpty();
        assertThat(body.get("tags").isEmpty()).isTrue();
    }

    @Test
    default void theLongestAllowedValuesAreStoredWhateverTheCharacters() {
        String user = newUser("longest");
        String emoji = "\uD83D\uDE00";
        String url = "https://example.com/" + "p".repeat(2048 - 20);
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            tags.add(("\u00e9" + (char) ('a' + i % 26) + i).repeat(32).substring(0, 64));
        }
        String body = json("url", url, "title", emoji.repeat(512), "tags", tags, "notes", (emoji + "\n").repeat(2048));

        Reply created = client().create(user, body, "Idempotency-Key", "longest");
        Reply replayed = client().create(user, body, "Idempotency-Key", "longest");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(replayed.body()).isEqualTo(created.body());
        JsonNode read = client().send("GET", created.header("Location"), null, null).json();
        assertThat(read.get("url").asString()).isEqualTo(url);
        assertThat(read.get("title").asString()).isEqualTo(emoji.repeat(512));
        assertThat(read.get("notes").asString()).isEqualTo((emoji + "\n").repeat(2048));
        assertThat(read.get("tags").size()).isEqualTo(32);
    }

    @Test
    default void notesKeepLineBreaksAndTitlesAreStripped() {
        String user = newUser("text");
        Reply created = client().create(user,
                json("url", "https://example.com/", "title", "  Spaced  ", "notes", " line 1\n\tline 2\r\n"));

        assertThat(created.json().get("title").asString()).isEqualTo("Spaced");
        assertThat(created.json().get("notes").asString()).isEqualTo(" line 1\n\tline 2\r\n");
    }

    @Test
    default void readingAnUnknownIdAnswers404AsAProblem() {
        String user = newUser("unknown");

        Reply read = client().get(user, "0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f");

        assertThat(read.status()).isEqualTo(404);
        assertThat(read.header("Content-Type")).startsWith("application/problem+json");
        assertThat(read.json().get("status").asInt()).isEqualTo(404);
        assertThat(read.errorFields()).isEqualTo("id");
    }

    @Test
    default void anotherUsersBookmarkIsNotFoundForReadReplaceOrDelete() {
        String owner = newUser("owner");
        String other = newUser("other");
        String id = client().create(owner, json("url", "https://example.com/")).json().get("id").asString();

        assertThat(client().get(other, id).status()).isEqualTo(404);
        assertThat(client().replace(other, id, json("url", "https://evil.example/")).status()).isEqualTo(404);
        assertThat(client().delete(other, id).status()).isEqualTo(204);
        assertThat(client().get(owner, id).json().get("url").asString()).isEqualTo("https://example.com/");
    }

    @ParameterizedTest(name = "id \"{0}\"")
    @ValueSource(strings = {"42", "not-a-uuid", "0190a5c27b1e7c3d9f001a2b3c4d5e6f", "1-1-1-1-1"})
    default void aMalformedIdAnswers400NamingTheId(String id) {
        String user = newUser("badid");

        for (Reply reply : List.of(client().get(user, id), client().delete(user, id),
                client().replace(user, id, json("url", "https://example.com/")))) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.errorFields()).isEqualTo("id");
        }
    }

    @Test
    default void anIdIsFoundWhateverTheCaseOfItsHexDigits() {
        String user = newUser("case");
        String id = client().create(user, json("url", "https://example.com/")).json().get("id").asString();

        assertThat(client().get(user, id.toUpperCase()).status()).isEqualTo(200);
    }

    @Test
    default void replacingABookmarkChangesEveryFieldButItsIdAndCreationTime() {
        String user = newUser("replace");
        JsonNode created = client().create(user,
                json("url", "https://example.com/old", "title", "Old", "tags", List.of("a", "b"), "notes", "old")).json();
        String id = created.get("id").asString();

        Reply replaced = client().replace(user, id, json("url", "https://example.com/new", "tags", List.of("C")));

        assertThat(replaced.status()).isEqualTo(200);
        JsonNode body = replaced.json();
        assertThat(body.get("id").asString()).isEqualTo(id);
        assertThat(body.get("url").asString()).isEqualTo("https://example.com/new");
        assertThat(body.get("title").asString()).isEmpty();
        assertThat(body.get("notes").asString()).isEmpty();
        assertThat(body.get("tags").toString()).isEqualTo("[\"c\"]");
        assertThat(body.get("createdAt")).isEqualTo(created.get("createdAt"));
        assertThat(Instant.parse(body.get("updatedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(created.get("updatedAt").asString()));
        assertThat(client().get(user, id).json()).isEqualTo(body);
        assertThat(storedRows(user)).isEqualTo("1/1/0");
    }

    @Test
    default void aBookmarkReadBackCanBePutBackAsItIs() {
        String user = newUser("roundtrip");
        Reply created = client().create(user, json("url", "https://example.com/", "title", "T", "tags", List.of("x")));
        String id = created.json().get("id").asString();

        Reply replaced = client().replace(user, id, client().get(user, id).body());

        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("title").asString()).isEqualTo("T");
        assertThat(replaced.json().get("tags").toString()).isEqualTo("[\"x\"]");
    }

    @Test
    default void replacingAnUnknownBookmarkAnswers404AndCreatesNothing() {
        String user = newUser("replace404");

        Reply replaced = client().replace(user, "0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f", json("url", "https://example.com/"));

        assertThat(replaced.status()).isEqualTo(404);
        assertThat(storedRows(user)).isEqualTo("0/0/0");
    }

    @Test
    default void aRefusedReplaceLeavesTheBookmarkAsItWas() {
        String user = newUser("replace400");
        Reply created = client().create(user, json("url", "https://example.com/", "tags", List.of("keep")));
        String id = created.json().get("id").asString();

        Reply refused = client().replace(user, id, json("url", "javascript:alert(1)", "tags", List.of("lost")));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorFields()).isEqualTo("url");
        assertThat(client().get(user, id).json()).isEqualTo(created.json());
    }

    @Test
    default void deletingAnswers204AndAgain204() {
        String user = newUser("delete");
        String id = client().create(user, json("url", "https://example.com/", "tags", List.of("t")))
                .json().get("id").asString();

        assertThat(client().delete(user, id).status()).isEqualTo(204);
        assertThat(client().get(user, id).status()).isEqualTo(404);
        assertThat(client().delete(user, id).status()).isEqualTo(204);
        assertThat(storedRows(user)).isEqualTo("0/0/0");
    }

    @Test
    default void theListIsNewestFirstAndTwentyLongByDefault() {
        String user = newUser("list");
        List<String> ids = create(user, 25, i -> List.of());

        Reply first = client().list(user);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().propertyNames()).containsExactly("items", "nextCursor");
        assertThat(ids(first)).containsExactlyElementsOf(reversed(ids).subList(0, 20));
        Reply second = client().list(user, Map.of("cursor", first.json().get("nextCursor").asString()));
        assertThat(ids(second)).containsExactlyElementsOf(reversed(ids).subList(20, 25));
        assertThat(second.json().get("nextCursor").isNull()).isTrue();
    }

    @Test
    default void aUserWithoutBookmarksHasAnEmptyListAndNoTags() {
        String user = newUser("empty");

        assertThat(client().list(user).body()).isEqualTo("{\"items\":[],\"nextCursor\":null}");
        assertThat(client().tags(user).body()).isEqualTo("[]");
    }

    @Test
    default void pagingWithTheCursorVisitsEveryBookmarkOnceWhileNewOnesAreInserted() {
        String user = newUser("paging");
        List<String> before = create(user, 23, i -> List.of());
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = new HashMap<>();
            query.put("limit", "5");
            query.put("cursor", cursor);
            Reply page = client().list(user, query);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page));
            // Newer bookmarks arriving between pages belong before the cursor: later pages don't move.
            create(user, 2, i -> List.of());
            JsonNode next = page.json().get("nextCursor");
            cursor = next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(reversed(before));
        assertThat(pages).isEqualTo(5);
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"0", "101", "-1", "abc", "1.5", "+5", "1000000000000"})
    default void aLimitOutsideOneToAHundredAnswers400(String limit) {
        String user = newUser("limit");

        Reply reply = client().send("GET", ShardClient.bookmarksPath(user) + "?limit=" + limit, null, null);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.errorFields()).isEqualTo("limit");
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(ints = {1, 100})
    default void limitsOfOneAndAHundredAreAccepted(int limit) {
        String user = newUser("limitok");
        create(user, 2, i -> List.of());

        Reply reply = client().list(user, Map.of("limit", Integer.toString(limit)));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("items").size()).isEqualTo(Math.min(limit, 2));
    }

    @Test
    default void aGarbledTamperedOrForeignCursorAnswers400() {
        String user = newUser("cursor");
        String other = newUser("cursor-other");
        create(user, 3, i -> List.of("t"));
        String cursor = client().list(user, Map.of("limit", "1")).json().get("nextCursor").asString();
        char flipped = cursor.charAt(10) == 'A' ? 'B' : 'A';
        String tampered = cursor.substring(0, 10) + flipped + cursor.substring(11);

        List<Reply> replies = List.of(
                client().list(user, Map.of("cursor", "garbage")),
                client().list(user, Map.of("cursor", "%%%")),
                client().list(user, Map.of("cursor", tampered)),
                client().list(user, Map.of("cursor", cursor + "AAAA")),
                client().list(other, Map.of("cursor", cursor)),
                client().list(user, Map.of("cursor", cursor, "tag", "t")),
                client().list(user, Map.of("cursor", cursor, "q", "x")));

        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.errorFields()).isEqualTo("cursor");
        });
        assertThat(client().list(user, Map.of("cursor", cursor, "limit", "2")).status()).isEqualTo(200);
    }

    @Test
    default void theTagFilterMatchesTheNormalisedTagAndPages() {
        String user = newUser("tagfilter");
        List<String> ids = create(user, 9, i -> i % 3 == 0 ? List.of("Java", "x") : List.of("other"));
        List<String> javaIds = new ArrayList<>();
        for (int i = ids.size() - 1; i >= 0; i--) {
            if (i % 3 == 0) {
                javaIds.add(ids.get(i));
            }
        }

        Reply first = client().list(user, Map.of("tag", " JAVA ", "limit", "2"));
        Reply second = client().list(user, Map.of("tag", "java", "limit", "2",
                "cursor", first.json().get("nextCursor").asString()));

        assertThat(first.status()).isEqualTo(200);
        assertThat(ids(first)).containsExactlyElementsOf(javaIds.subList(0, 2));
        assertThat(ids(second)).containsExactlyElementsOf(javaIds.subList(2, 3));
        assertThat(second.json().get("nextCursor").isNull()).isTrue();
        assertThat(first.json().get("items").get(0).get("tags").toString()).isEqualTo("[\"java\",\"x\"]");
        assertThat(ids(client().list(user, Map.of("tag", "nope")))).isEmpty();
    }

    @Test
    default void searchFindsASubstringOfTitleUrlOrNotesIgnoringCase() {
        String user = newUser("search");
        String byTitle = id(client().create(user, json("url", "https://a.example/", "title", "Spring BOOT guide")));
        String byUrl = id(client().create(user, json("url", "https://docs.example/Boot/intro")));
        String byNotes = id(client().create(user, json("url", "https://c.example/", "notes", "see also: bootstrap")));
        client().create(user, json("url", "https://d.example/", "title", "unrelated"));

        Reply found = client().list(user, Map.of("q", "boot"));

        assertThat(ids(found)).containsExactly(byNotes, byUrl, byTitle);
        assertThat(ids(client().list(user, Map.of("q", "  GUIDE ")))).containsExactly(byTitle);
        assertThat(ids(client().list(user, Map.of("q", "boot", "limit", "1")))).containsExactly(byNotes);
    }

    @Test
    default void searchTakesPercentAndUnderscoreLiterally() {
        String user = newUser("like");
        String percent = id(client().create(user, json("url", "https://a.example/", "title", "100% sure")));
        client().create(user, json("url", "https://b.example/", "title", "100 x sure"));
        String underscore = id(client().create(user, json("url", "https://c.example/snake_case")));
        client().create(user, json("url", "https://d.example/snakeXcase"));

        assertThat(ids(client().list(user, Map.of("q", "0% s")))).containsExactly(percent);
        assertThat(ids(client().list(user, Map.of("q", "e_c")))).containsExactly(underscore);
        assertThat(ids(client().list(user, Map.of("q", "!")))).isEmpty();
    }

    @Test
    default void searchAndTagFilterCombine() {
        String user = newUser("combined");
        String both = id(client().create(user, json("url", "https://a.example/", "title", "Kotlin", "tags", List.of("jvm"))));
        client().create(user, json("url", "https://b.example/", "title", "Kotlin"));
        client().create(user, json("url", "https://c.example/", "title", "Scala", "tags", List.of("jvm")));

        assertThat(ids(client().list(user, Map.of("q", "kotlin", "tag", "jvm")))).containsExactly(both);
    }

    @Test
    default void tagCountsAreMostUsedFirstThenByTag() {
        String user = newUser("counts");
        create(user, 5, i -> i < 3 ? List.of("web", "b") : List.of("web", "a"));
        client().create(user, json("url", "https://x.example/", "tags", List.of("z")));

        Reply tags = client().tags(user);

        assertThat(tags.status()).isEqualTo(200);
        assertThat(tags.body()).isEqualTo(
                "[{\"tag\":\"web\",\"count\":5},{\"tag\":\"b\",\"count\":3},{\"tag\":\"a\",\"count\":2},{\"tag\":\"z\",\"count\":1}]");
    }

    @ParameterizedTest(name = "user \"{0}\"")
    @ValueSource(strings = {"bad!user", "a:b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    default void aUserIdOutsideTheRuleAnswers400OnEveryCall(String user) {
        assertEveryCallAnswers400(user, "userId");
    }

    /** Percent-encoding is refused before any handler decodes it: no path needs it (see CanonicalPaths). */
    @ParameterizedTest(name = "user \"{0}\"")
    @ValueSource(strings = {"a%20b", "%C3%A9", "%61lice", "alice%2F..%2Fbob"})
    default void aPercentEncodedUserIdAnswers400NamingThePathOnEveryCall(String user) {
        assertEveryCallAnswers400(user, "path");
    }

    private void assertEveryCallAnswers400(String user, String field) {
        String id = "/0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f";
        String bookmarks = "/api/users/" + user + "/bookmarks";
        String body = json("url", "https://example.com/");
        List<Reply> replies = List.of(
                client().send("POST", bookmarks, "application/json", body),
                client().send("GET", bookmarks, null, null),
                client().send("GET", bookmarks + id, null, null),
                client().send("PUT", bookmarks + id, "application/json", body),
                client().send("DELETE", bookmarks + id, null, null),
                client().send("GET", "/api/users/" + user + "/tags", null, null));

        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
            assertThat(reply.errorFields()).isEqualTo(field);
        });
    }

    @Test
    default void aMethodTheApiDoesNotHaveAnswers405AsAProblem() {
        String user = newUser("patch");

        Reply reply = client().send("PATCH", ShardClient.bookmarksPath(user), "application/json", "{}");

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    }

    private List<String> create(String user, int count, IntFunction<List<String>> tags) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Reply created = client().create(user, json("url", "https://example.com/" + i, "title", "#" + i,
                    "tags", tags.apply(i)));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            ids.add(id(created));
        }
        return ids;
    }

    private static String id(Reply created) {
        return created.json().get("id").asString();
    }

    private static List<String> ids(Reply page) {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : page.json().get("items")) {
            ids.add(item.get("id").asString());
        }
        return ids;
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
