package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.testing.browser.Browser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web app in a real headless Chromium against the real stack (Redis, registry, the development issuer, two
 * shards, one gateway, each a process on loopback): sign-in through the issuer, the everyday work, a Netscape import
 * and export, hostile content, faults between the browser and the gateway, another user's data, and accessibility.
 * Screenshots of the main screens go to {@code target/screenshots/web-client/}.
 *
 * <p>One browser and one stack for the class; the tests run in order and each works on data of its own (its own
 * tags and titles), so counts are exact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebClientIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "web-client");
    private static final Duration IMPORT_WAIT = Duration.ofMinutes(3);

    @TempDir
    static Path data;

    static LocalStack stack;
    static Browser browser;
    static WebAppPage app;
    static FrontDoor door;
    static HttpClient http;

    @BeforeAll
    static void startStackAndBrowser() throws IOException {
        // Plain HTTP between the browser and the gateway: TLS is the gateway's own tests' subject, and the front
        // door below forwards requests whole. http://127.0.0.1 is a secure context for the browser all the same.
        stack = LocalStack.start(Options.freePorts(Options.findRepoRoot(Path.of("")), data, 2, 1).withIssuer()
                .withGatewayArgs(List.of("--bookmarks.gateway.tls.enabled=false")));
        http = stack.gatewayClient().build();
        browser = Browser.start(SCREENSHOTS);
        app = new WebAppPage(browser, stack.gatewayUrl(0));
        door = FrontDoor.start(URI.create(stack.gatewayUrl(0)), stack.gatewayClient());
    }

    @AfterAll
    static void stop() {
        if (door != null) {
            door.close();
        }
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void signsInThroughTheIssuerAndKeepsTheTokenInMemoryOnly() {
        browser.open(app.origin() + "/");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.visible("#signin"));
        browser.screenshot("01-signed-out");
        app.click("#signin");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> d.getCurrentUrl().startsWith(stack.issuerUrl() + "/login"));
        browser.screenshot("02-issuer-login");

        app.signIn("alice", "alice-password");

        assertThat(app.text("#user")).isEqualTo("alice");
        assertThat(app.visible("#empty")).as("a new user's empty list").isTrue();
        browser.screenshot("03-empty");
        String stored = (String) browser.script("return JSON.stringify(Object.entries(localStorage))"
                + " + JSON.stringify(Object.entries(sessionStorage)) + document.cookie");
        assertThat(stored).as("no token in web storage or cookies").doesNotContain("eyJ");
        assertThat(browser.driver().getCurrentUrl()).as("the code is gone from the address bar")
                .doesNotContain("code=").doesNotContain("state=");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void addsEditsSearchesFiltersAndDeletesWithUndo() throws Exception {
        app.signIn("alice", "alice-password");
        app.add("https://docs.spring.io/spring-cloud-gateway/", "Spring Cloud Gateway docs", "t2, java", "");
        app.add("https://www.envoyproxy.io/", "Envoy proxy", "t2, proxy", "");
        app.add("https://www.haproxy.org/", "HAProxy", "t2, proxy", "The reliable, high performance\nload balancer");

        assertThat(app.titles()).startsWith("HAProxy", "Envoy proxy", "Spring Cloud Gateway docs");
        assertThat(app.item("HAProxy").findElement(By.cssSelector(".notes")).getText())
                .isEqualTo("The reliable, high performance\nload balancer");
        assertThat(app.tagCount("t2")).isEqualTo(3);
        browser.screenshot("04-list");

        app.edit("Envoy proxy", "Envoy (edited)", "t2, proxy, cncf");
        assertThat(app.titles()).contains("Envoy (edited)").doesNotContain("Envoy proxy");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.tagCount("cncf") == 1);
        assertThat(api("alice", "GET", "/bookmarks?tag=cncf", null).json().get("items").get(0).get("title").asString())
                .isEqualTo("Envoy (edited)");

        app.search("HAProxy");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.titles().equals(List.of("HAProxy")));
        app.search("");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.titles().size() >= 3);

        app.filterByTag("proxy");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.titles().equals(List.of("HAProxy", "Envoy (edited)")));
        app.click("#clear-filter");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.titles().size() >= 3 && !app.visible("#active-filter"));

        String springId = app.item("Spring Cloud Gateway docs").getAttribute("data-id");
        app.delete("Spring Cloud Gateway docs");
        browser.screenshot("05-undo");
        app.undo();
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.ids().contains(springId));
        assertThat(api("alice", "GET", "/bookmarks/" + springId, null).status()).as("undone: never deleted")
                .isEqualTo(200);

        String haproxyId = app.item("HAProxy").getAttribute("data-id");
        app.delete("HAProxy");
        browser.waitAtMost(Duration.ofSeconds(30)).until(d -> {
            try {
                return api("alice", "GET", "/bookmarks/" + haproxyId, null).status() == 404;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(api("alice", "GET", "/bookmarks/" + springId, null).status()).isEqualTo(200);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(3)
    void answersItsKeyboardShortcuts() {
        app.signIn("alice", "alice-password");
        WebElement body = browser.driver().findElement(By.tagName("body"));
        body.sendKeys("/");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("search");
        browser.driver().findElement(By.id("search")).sendKeys(Keys.ESCAPE);
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("document.activeElement.blur()");
        body.sendKeys("n");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.visible("#f-url"));
        browser.screenshot("06-form");
        browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.waitAtMost(WebAppPage.WAIT).until(d -> !app.visible("#f-url"));
        body.sendKeys("?");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.visible("#help"));
        body.sendKeys("?");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> !app.visible("#help"));
    }

    @Test
    @Order(4)
    void importsANetscapeFileOnceHoweverOftenItIsImportedAndExportsTheSameBookmarks() throws Exception {
        app.signIn("alice", "alice-password");
        List<Item> items = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            String notes = i % 3 == 0 ? "note " + i + " with <angle> & \"quotes\"" : "";
            items.add(new Item("https://example.com/imported/" + i + "?a=1&b=" + i,
                    String.format("Imported %03d \"quoted\" & <bracketed>", i),
                    i % 2 == 0 ? List.of("imp", "even") : List.of("imp"), notes));
        }
        Path file = data.resolve("bookmarks-500.html");
        Files.writeString(file, netscape(items, "<DT><A HREF=\"javascript:window.__pwned=99\">not a web link</A>\n"));

        app.importFile(file, IMPORT_WAIT);
        browser.screenshot("07-imported");
        assertThat(app.importAttribute("data-total")).isEqualTo("501");
        assertThat(app.importAttribute("data-done")).isEqualTo("500");
        assertThat(app.importAttribute("data-skipped")).isEqualTo("1");
        assertThat(app.importAttribute("data-failed")).isEqualTo("0");
        assertThat(listAll("alice", "imp")).hasSize(500);

        app.importFile(file, IMPORT_WAIT);
        assertThat(listAll("alice", "imp")).as("imported again: still 500").hasSize(500);
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.tagCount("imp") == 500);

        Path exported = browser.downloads().resolve("bookmarks-alice.html");
        Files.deleteIfExists(exported);
        app.click("#export");
        browser.waitAtMost(Duration.ofSeconds(60)).until(d -> Files.exists(exported) && sizeSettled(exported));
        Set<Item> back = new HashSet<>();
        for (Item item : parse(Files.readString(exported, StandardCharsets.UTF_8))) {
            if (item.tags().contains("imp")) {
                back.add(item.withSortedTags());
            }
        }
        // Tags are a set: the service keeps them in its own order.
        assertThat(back).containsExactlyInAnyOrderElementsOf(items.stream().map(Item::withSortedTags).toList());
        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
    }

    @Test
    @Order(5)
    void rendersHostileContentAsInertText() throws Exception {
        app.signIn("alice", "alice-password");
        List<Item> hostile = List.of(
                new Item("https://example.com/1", "<script>window.__pwned=1</script>", List.of("hostile"), ""),
                new Item("https://example.com/2", "<img src=x onerror=\"window.__pwned=2\">", List.of("hostile"), ""),
                new Item("https://example.com/3", "svg", List.of("hostile"), "<svg onload=\"window.__pwned=3\"></svg>"),
                new Item("https://example.com/4", "\"><script>window.__pwned=4</script>", List.of("hostile"), ""),
                new Item("https://example.com/5", "<a href=\"javascript:window.__pwned=5\">click me</a>",
                        List.of("hostile"), "<a href=\"javascript:window.__pwned=5\">or me</a>"),
                new Item("https://example.com/6", "{{constructor.constructor('window.__pwned=6')()}}",
                        List.of("hostile"), "${window.__pwned=6}"),
                new Item("https://example.com/7", "<iframe srcdoc=\"<script>parent.__pwned=7</script>\"></iframe>",
                        List.of("hostile"), ""),
                new Item("https://example.com/8", "<style>body{display:none}</style>", List.of("hostile"), ""),
                new Item("https://example.com/9", "' onmouseover='window.__pwned=9", List.of("hostile"), ""),
                new Item("https://example.com/10", "math", List.of("hostile"),
                        "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=10>"),
                new Item("https://example.com/11", "</title><script>window.__pwned=11</script>", List.of("hostile"), ""),
                new Item("https://example.com/12", "details", List.of("hostile"),
                        "<details open ontoggle=\"window.__pwned=12\">x</details>"),
                new Item("https://example.com/13", "Invoice \u202Efdp.exe", List.of("hostile"), "\u2067evil\u2069 \u202Dright"),
                new Item("https://example.com/14?q=%3Cscript%3Ewindow.__pwned%3D14%3C%2Fscript%3E", "encoded",
                        List.of("hostile"), ""),
                new Item("https://example.com/15#javascript:window.__pwned=15", "fragment", List.of("hostile"), ""),
                new Item("https://example.com/\u202Etxt.exe", "bidi url", List.of("hostile"), ""),
                new Item("javascript:window.__pwned=17", "javascript url", List.of("hostile"), ""),
                new Item("data:text/html,<script>window.__pwned=18</script>", "data url", List.of("hostile"), ""),
                new Item("https://bank.example@evil.example/", "user info", List.of("hostile"), ""),
                new Item("https://example.com/20", "zalgo t\u0338\u0321ag", List.of("hostile", "z\u0338\u0321"),
                        "<!-- window.__pwned=20 -->"));
        List<Item> stored = new ArrayList<>();
        for (Item item : hostile) {
            Reply created = api("alice", "POST", "/bookmarks", item.json());
            assertThat(created.status()).as(item.url()).isIn(201, 400);
            if (created.status() == 201) {
                stored.add(item);
            }
        }
        assertThat(hostile).hasSizeGreaterThanOrEqualTo(15);
        assertThat(stored).as("accepted by the API, so rendered by the app").hasSizeGreaterThanOrEqualTo(15);
        browser.consoleErrors();

        browser.open(app.origin() + "/#/tag/hostile");
        app.awaitList();
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.titles().size() == stored.size());
        for (WebElement title : browser.driver().findElements(By.cssSelector("#bookmarks li.bookmark .title"))) {
            new org.openqa.selenium.interactions.Actions(browser.driver()).moveToElement(title).perform();
        }
        browser.screenshot("08-hostile");

        assertThat(browser.script("return window.__pwned === undefined && parent.__pwned === undefined")).isEqualTo(true);
        assertThat(app.titles()).containsExactlyInAnyOrderElementsOf(stored.stream().map(Item::title).toList());
        assertThat(((Number) browser.script("return document.querySelectorAll('#bookmarks script, #bookmarks iframe,"
                + " #bookmarks img, #bookmarks style, #bookmarks svg, #bookmarks math, #bookmarks details').length"))
                .intValue()).as("no element made of user text").isZero();
        assertThat(((Number) browser.script("return [...document.querySelectorAll('#bookmarks *')].filter(e =>"
                + " [...e.attributes].some(a => a.name.startsWith('on'))).length")).intValue()).isZero();
        @SuppressWarnings("unchecked")
        List<String> hrefs = (List<String>) browser.script("return [...document.querySelectorAll('#bookmarks a')]"
                + ".map(a => a.protocol + ' ' + a.rel + ' ' + a.target)");
        assertThat(hrefs).isNotEmpty().allSatisfy(h -> assertThat(h).matches("https?: (noopener noreferrer|noreferrer noopener) _blank"));
        assertThat(browser.consoleErrors()).isEmpty();

        app.click("#add");
        app.fill("javascript:window.__pwned=21", "a javascript link", "hostile", "");
        app.click("#f-save");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.visible("#f-error") && !app.text("#f-error").isBlank());
        assertThat(app.visible("#bookmark-form")).as("the input is kept to correct").isTrue();
        browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        assertThat(listAll("alice", "hostile")).hasSize(stored.size());
        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
    }

    @Test
    @Order(6)
    void ridesOutA503AndAConnectionResetWithoutLosingOrDuplicatingABookmark() throws Exception {
        WebAppPage viaDoor = new WebAppPage(browser, door.url());
        viaDoor.signIn("alice", "alice-password");
        door.clearRequests();

        door.answer503(3);
        viaDoor.click("#add");
        viaDoor.fill("https://example.com/through-503", "Through three 503s", "faults", "");
        viaDoor.click("#f-save");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> "reconnecting".equals(
                d.findElement(By.id("status")).getAttribute("data-state")));
        browser.screenshot("09-reconnecting");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> viaDoor.titles().contains("Through three 503s"));
        assertThat(listAll("alice", "faults")).extracting(n -> n.get("title").asString())
                .containsExactly("Through three 503s");
        List<FrontDoor.Seen> posts = door.requests().stream().filter(s -> s.method().equals("POST")).toList();
        assertThat(posts).extracting(FrontDoor.Seen::outcome).containsExactly("503 from the front door",
                "503 from the front door", "503 from the front door", "201");
        assertThat(posts.stream().map(FrontDoor.Seen::idempotencyKey).distinct().toList()).hasSize(1)
                .doesNotContainNull();
        browser.waitAtMost(WebAppPage.WAIT).until(d -> "idle".equals(
                d.findElement(By.id("status")).getAttribute("data-state")));

        door.clearRequests();
        door.resetAfterForwarding(1);
        viaDoor.add("https://example.com/through-reset", "Through a reset", "faults", "");
        assertThat(listAll("alice", "faults")).extracting(n -> n.get("title").asString())
                .containsExactlyInAnyOrder("Through three 503s", "Through a reset");
        posts = door.requests().stream().filter(s -> s.method().equals("POST")).toList();
        assertThat(posts).extracting(FrontDoor.Seen::outcome)
                .containsExactly("201 from the gateway, then reset", "201");
        assertThat(posts.get(0).idempotencyKey()).isNotNull().isEqualTo(posts.get(1).idempotencyKey());
    }

    @Test
    @Order(7)
    void signsInAgainWhenTheApiRefusesItsTokenButNeverLoops() {
        WebAppPage viaDoor = new WebAppPage(browser, door.url());
        viaDoor.signIn("alice", "alice-password");
        browser.open(door.url() + "/#/tag/faults");
        viaDoor.awaitList();
        door.clearRequests();

        door.answer401(1);
        viaDoor.search("reset");
        // Refused once: back to the issuer, whose session sends the browser straight back, signed in again.
        browser.waitAtMost(WebAppPage.WAIT).until(d -> viaDoor.visible("#user")
                && viaDoor.titles().equals(List.of("Through a reset")));
        assertThat(browser.driver().getCurrentUrl()).startsWith(door.url());
        assertThat(door.requests()).extracting(FrontDoor.Seen::outcome).contains("401 from the front door");

        door.answer401(1);
        viaDoor.search("three");
        // Refused again right after a renewal: no second round trip, the user is shown signed out instead.
        browser.waitAtMost(WebAppPage.WAIT).until(d -> viaDoor.visible("#signin") && viaDoor.visible("#signin-error"));
        assertThat(viaDoor.text("#signin-error")).contains("refused");
        browser.screenshot("12-refused");
    }

    @Test
    @Order(8)
    void showsNoUserAnotherUsersBookmarks() throws Exception {
        Reply bobs = api("bob", "POST", "/bookmarks",
                new Item("https://example.com/bob", "Bob's private bookmark", List.of("secret"), "bob only").json());
        assertThat(bobs.status()).isEqualTo(201);
        String bobsId = bobs.json().get("id").asString();

        app.signIn("alice", "alice-password");
        browser.open(app.origin() + "/#/edit/" + URLEncoder.encode(bobsId, StandardCharsets.UTF_8));
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.visible("#error"));
        assertThat(browser.driver().getPageSource()).doesNotContain("Bob's private bookmark").doesNotContain("bob only");
        browser.open(app.origin() + "/#/tag/secret");
        app.awaitList();
        assertThat(app.titles()).isEmpty();

        assertThat(((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + " fetch('/api/users/bob/bookmarks').then(r => done(r.status), e => done(String(e)));"))
                .isEqualTo(401L);
        browser.open(app.origin() + "/api/users/bob/bookmarks");
        assertThat(browser.driver().getPageSource()).contains("401").doesNotContain("Bob's private bookmark");
    }

    @Test
    @Order(9)
    void hasNoSeriousAccessibilityViolationOnItsMainScreens() {
        app.signIn("alice", "alice-password");
        assertThat(app.titles()).isNotEmpty();
        assertThat(browser.seriousAccessibilityViolations()).as("the list").isEmpty();
        app.click("#add");
        browser.waitAtMost(WebAppPage.WAIT).until(d -> app.visible("#f-url"));
        assertThat(browser.seriousAccessibilityViolations()).as("the form").isEmpty();
        browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);

        browser.phoneWidth();
        try {
            browser.open(app.origin() + "/");
            app.awaitList();
            browser.screenshot("10-phone");
            assertThat(browser.seriousAccessibilityViolations()).as("at phone width").isEmpty();
            assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("nothing wider than a phone").isEqualTo(true);
        } finally {
            browser.desktopWidth();
        }
        app.signOut();
        browser.screenshot("11-signed-out-again");
        assertThat(browser.seriousAccessibilityViolations()).as("signed out").isEmpty();
    }

    // ---- the API beside the browser, with development tokens (the local profile's /auth/dev-token)

    record Reply(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    record Item(String url, String title, List<String> tags, String notes) {
        Item withSortedTags() {
            return new Item(url, title, tags.stream().sorted().toList(), notes);
        }

        String json() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("url", url);
            body.put("title", title);
            body.put("tags", tags);
            body.put("notes", notes);
            return JSON.writeValueAsString(body);
        }
    }

    private static Reply api(String user, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl(0) + "/api/users/" + user + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + devToken(user));
        if (body != null) {
            request.header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString());
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    private static String devToken(String user) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl(0) + "/auth/dev-token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("token").asString();
    }

    /** Every bookmark of {@code user} with {@code tag}, by following the cursor (at most 100 pages). */
    private static List<JsonNode> listAll(String user, String tag) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            String query = "/bookmarks?limit=100&tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8)
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode body = api(user, "GET", query, null).json();
            body.get("items").forEach(all::add);
            JsonNode next = body.get("nextCursor");
            if (next == null || next.isNull()) {
                return all;
            }
            cursor = next.asString();
        }
        throw new AssertionError("more than 100 pages");
    }

    // ---- the Netscape bookmark file format

    private static String netscape(List<Item> items, String extra) {
        StringBuilder out = new StringBuilder("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
                + "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n"
                + "<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n");
        for (Item item : items) {
            out.append("<DT><A HREF=\"").append(escape(item.url())).append("\" ADD_DATE=\"1700000000\" TAGS=\"")
                    .append(escape(String.join(",", item.tags()))).append("\">").append(escape(item.title()))
                    .append("</A>\n");
            if (!item.notes().isEmpty()) {
                out.append("<DD>").append(escape(item.notes())).append("\n");
            }
        }
        out.append(extra).append("</DL><p>\n");
        return out.toString();
    }

    private static final Pattern ENTRY = Pattern.compile(
            "<DT><A ([^>]*)>(.*?)</A>\\s*(?:<DD>([^\\n<]*))?", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z_]+)=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private static List<Item> parse(String html) {
        List<Item> items = new ArrayList<>();
        Matcher entry = ENTRY.matcher(html);
        while (entry.find()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher attribute = ATTRIBUTE.matcher(entry.group(1));
            while (attribute.find()) {
                attributes.put(attribute.group(1).toUpperCase(java.util.Locale.ROOT), unescape(attribute.group(2)));
            }
            String tags = attributes.getOrDefault("TAGS", "");
            items.add(new Item(attributes.get("HREF"), unescape(entry.group(2)),
                    tags.isEmpty() ? List.of() : Stream.of(tags.split(",")).map(String::strip).toList(),
                    entry.group(3) == null ? "" : unescape(entry.group(3).strip())));
        }
        return items;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String unescape(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#x27;", "'").replace("&amp;", "&");
    }

    private static boolean sizeSettled(Path file) {
        try {
            long before = Files.size(file);
            Thread.sleep(300);
            return before > 0 && Files.size(file) == before;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
