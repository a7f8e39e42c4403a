package dev.bookmarks.shardregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bookmarks.registry.Heartbeats;
import dev.bookmarks.shardregistry.console.RingConsoleConfiguration;
import dev.bookmarks.testing.browser.Browser;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The ring console on a registry with three shards and a real Redis: over HTTP, who may read it, under which headers,
 * and that its slot table is the ring's; in a real headless Chromium, that the picture, the table and the lookup agree
 * with the Actuator endpoints, that an admin's change shows up without a reload, and that a resharding's moving
 * slots and progress show up and go when it is aborted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.registry.poll-interval=200ms",
        // Long enough that s-1's beat is still alive whenever the test looks, however slow the machine.
        "bookmarks.registry.heartbeat-ttl=5m",
        // The refusals below fail logins on purpose; the throttle has its own test (AdminLoginIT).
        "bookmarks.registry.admin.failed-logins-per-minute=1000",
        "bookmarks.registry.admin.users[0].name=admin",
        "bookmarks.registry.admin.users[0].password={noop}admin-secret",
        "bookmarks.registry.admin.users[0].roles=ADMIN",
        "bookmarks.registry.admin.users[1].name=viewer",
        "bookmarks.registry.admin.users[1].password={noop}viewer-secret",
        "bookmarks.registry.admin.users[1].roles=VIEWER",
        "bookmarks.registry.bootstrap.shards[0].id=s-1",
        "bookmarks.registry.bootstrap.shards[0].url=http://127.0.0.1:9001",
        "bookmarks.registry.bootstrap.shards[1].id=s-2",
        "bookmarks.registry.bootstrap.shards[1].url=http://127.0.0.1:9002",
        "bookmarks.registry.bootstrap.shards[2].id=s-3",
        "bookmarks.registry.bootstrap.shards[2].url=http://127.0.0.1:9003"})
// {noop} passwords, as the local stack uses them: allowed under the local profile only.
@ActiveProfiles("local")
class RingConsoleIT {

    /** Every wait's bound: many times what an idle machine needs (the page polls every 2 s). */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

    private static final List<String> CONSOLE_PATHS =
            List.of("/console", "/console/console.js", "/console/console.css", "/console/slots");

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
    }

    static Browser browser;

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int serverPort;

    @Autowired
    Heartbeats heartbeats;

    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start(Path.of("target", "screenshots"));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void letsAViewerOrAnAdminReadTheConsoleAndAnswersEveryoneElse401WithAProblem() {
        for (String path : CONSOLE_PATHS) {
            AdminClient.Reply anonymous = AdminClient.anonymous(managementPort).get(path);
            assertThat(anonymous.status()).as("anonymous GET %s", path).isEqualTo(401);
            assertThat(anonymous.isProblem()).as(anonymous.contentType()).isTrue();
            assertThat(anonymous.wwwAuthenticate()).startsWith("Basic");
            AdminClient.Reply wrongPassword = AdminClient.as(managementPort, "viewer", "wrong").get(path);
            assertThat(wrongPassword.status()).as("wrong password, GET %s", path).isEqualTo(401);
            assertThat(wrongPassword.isProblem()).isTrue();
            assertThat(AdminClient.as(managementPort, "nobody", "viewer-secret").get(path).status())
                    .as("unknown user, GET %s", path).isEqualTo(401);
            assertThat(AdminClient.as(managementPort, "viewer", "viewer-secret").get(path).status())
                    .as("viewer, GET %s", path).isEqualTo(200);
            assertThat(AdminClient.as(managementPort, "admin", "admin-secret").get(path).status())
                    .as("admin, GET %s", path).isEqualTo(200);
        }
    }

    @Test
    void servesThePageAndItsFilesUnderTheStrictPolicyWithValidatorsThatRevalidate() {
        AdminClient viewer = AdminClient.as(managementPort, "viewer", "viewer-secret");
        Map<String, String> types = new LinkedHashMap<>();
        types.put("/console", "text/html");
        types.put("/console/console.js", "text/javascript");
        types.put("/console/console.css", "text/css");
        types.put("/console/slots", "application/json");
        types.forEach((path, type) -> {
            AdminClient.Reply reply = viewer.get(path);
            assertThat(reply.status()).as(path).isEqualTo(200);
            assertThat(reply.contentType()).as(path).startsWith(type);
            assertThat(reply.header("Content-Security-Policy")).as(path).isEqualTo(POLICY);
            assertThat(reply.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(reply.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(reply.header("X-Frame-Options")).as(path).isEqualTo("DENY");
        });
        assertThat(viewer.get("/console/slots").header("Cache-Control")).as("the slot table is never cached")
                .contains("no-store");

        for (String path : List.of("/console", "/console/console.js", "/console/console.css")) {
            AdminClient.Reply first = viewer.get(path);
            assertThat(first.header("Cache-Control")).as(path).isEqualTo("no-cache");
            String etag = first.header("ETag");
            assertThat(etag).as(path).matches("\"[A-Za-z0-9_-]{22}\"");
            AdminClient.Reply again = viewer.send("GET", path, "If-None-Match", etag);
            assertThat(again.status()).as("revalidating %s", path).isEqualTo(304);
            assertThat(again.text()).isEmpty();
            assertThat(viewer.send("GET", path, "If-None-Match", "\"something-else\"").status()).isEqualTo(200);
        }

        String page = viewer.get("/console").text();
        assertThat(page).contains("<html lang=\"en\">", "<canvas id=\"grid\"", "role=\"img\"")
                .containsOnlyOnce("<h1")
                .contains("<script type=\"module\" src=\"/console/console.js\"></script>")
                .doesNotContain("<script>", "style=\"", " onclick", " onload", "http://", "https://");
    }

    @Test
    void refusesEveryOtherPathAndMethodWithAProblem() {
        AdminClient admin = AdminClient.as(managementPort, "admin", "admin-secret");
        AdminClient viewer = AdminClient.as(managementPort, "viewer", "viewer-secret");
        for (String path : List.of("/console/nothing.js", "/console/console.html", "/console/a/b")) {
            AdminClient.Reply missing = viewer.get(path);
            assertThat(missing.status()).as(path).isEqualTo(404);
            assertThat(missing.isProblem()).as(missing.contentType()).isTrue();
        }
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("/console", "/console/slots")) {
                AdminClient.Reply refused = admin.send(method, path);
                assertThat(refused.status()).as("%s %s by an admin", method, path).isEqualTo(403);
                assertThat(refused.isProblem()).isTrue();
                assertThat(refused.json().get("detail").asString()).contains("read-only");
                assertThat(AdminClient.anonymous(managementPort).send(method, path).status())
                        .as("anonymous %s %s", method, path).isEqualTo(401);
            }
        }
        assertThat(viewer.post("/actuator/shards/s-9", "{\"url\":\"http://127.0.0.1:9009\",\"weight\":1,"
                + "\"discardMovedData\":true,\"confirmMovedSlots\":4096}").status())
                .as("a viewer still cannot change the ring, whatever it agrees to").isEqualTo(403);
    }

    @Test
    void leavesTheConsoleOffThePublicPort() {
        assertThat(context.getBeanNamesForType(RingConsoleConfiguration.class))
                .as("the console lives in the management port's context only").isEmpty();
        for (String path : CONSOLE_PATHS) {
            AdminClient.Reply refused = AdminClient.as(serverPort, "admin", "admin-secret").get(path);
            assertThat(refused.status()).as("GET %s on the public port", path).isEqualTo(403);
            assertThat(refused.text()).doesNotContain("canvas", "epoch");
        }
    }

    @Test
    void givesTheSlotTableOfTheRingItHoldsSlotForSlot() {
        AdminClient viewer = AdminClient.as(managementPort, "viewer", "viewer-secret");
        JsonNode ring = viewer.get("/actuator/ring").json();
        JsonNode slots = viewer.get("/console/slots").json();

        assertThat(slots.get("epoch").asLong()).isEqualTo(ring.get("epoch").asLong());
        assertThat(slots.get("slotCount").asInt()).isEqualTo(16384);
        assertThat(slots.get("columns").asInt()).isEqualTo(128);
        assertThat(slots.get("rows").asInt()).isEqualTo(128);
        List<String> ids = new ArrayList<>();
        slots.get("shards").forEach(id -> ids.add(id.asString()));
        assertThat(ids).isEqualTo(ids(ring));

        int[] owners = owners(slots.get("owners").asString(), 16384);
        Map<String, Integer> counts = new HashMap<>();
        for (int owner : owners) {
            counts.merge(ids.get(owner), 1, Integer::sum);
        }
        assertThat(counts).isEqualTo(slotsOwned(ring));
        for (int i = 0; i < 50; i++) {
            JsonNode route = viewer.get("/actuator/route/user-" + i).json();
            assertThat(ids.get(owners[route.get("slot").asInt()])).as("user-%d", i)
                    .isEqualTo(route.get("shardId").asString());
        }
    }

    @Test
    void drawsTheRingLooksUpAUserAndFollowsAnAdminsChangeWithoutAReload() {
        heartbeats.beat("s-1", URI.create("http://127.0.0.1:9001"), Instant.now());
        AdminClient admin = AdminClient.as(managementPort, "admin", "admin-secret");
        browser.desktopWidth().open("http://admin:admin-secret@127.0.0.1:" + managementPort + "/console");
        long epoch = admin.epoch();
        awaitEpochShown(epoch);

        JsonNode ring = admin.get("/actuator/ring").json();
        assertThat(slotCountsShown()).as("the legend's counts").isEqualTo(slotsOwned(ring));
        assertThat(pixelsPerShard()).as("the grid's cells in each shard's colour").isEqualTo(slotsOwned(ring));
        assertThat(browser.script("const c = document.getElementById('grid'); return c.width + 'x' + c.height;"))
                .isEqualTo("128x128");
        assertTableMatches(ring);
        assertThat(cell("s-1", "liveness")).isEqualTo("alive");
        assertThat(cell("s-1", "heartbeat")).matches("\\d+\\.\\d s|\\d+ min \\d+ s");
        assertThat(cell("s-2", "liveness")).isEqualTo("dead");

        WebElement user = browser.driver().findElement(By.id("lookup-user"));
        user.sendKeys("..");
        browser.driver().findElement(By.id("lookup")).click();
        browser.waitAtMost(WAIT).until(d -> "error".equals(d.findElement(By.id("lookup-result")).getDomAttribute("data-state")));
        assertThat(browser.driver().findElement(By.id("lookup-result")).getText()).contains("not . or ..");
        assertThat(browser.driver().findElement(By.id("marker")).isDisplayed()).isFalse();

        user.clear();
        user.sendKeys("alice");
        browser.driver().findElement(By.id("lookup")).click();
        JsonNode route = admin.get("/actuator/route/alice").json();
        int slot = route.get("slot").asInt();
        browser.waitAtMost(WAIT).until(d -> String.valueOf(slot).equals(d.findElement(By.id("marker")).getDomAttribute("data-slot")));
        assertThat(browser.driver().findElement(By.id("lookup-result")).getText())
                .contains("slot " + slot).contains(route.get("shardId").asString());
        assertMarkerOn(slot, route.get("shardId").asString());
        browser.screenshot("ring-console");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();

        AdminClient.Reply added = admin.postDiscardingMovedData("/actuator/shards/s-4",
                "{\"url\":\"http://127.0.0.1:9004\",\"weight\":1,\"expectedEpoch\":" + epoch + "}");
        assertThat(added.status()).as(added.text()).isEqualTo(201);
        awaitEpochShown(epoch + 1);
        browser.waitAtMost(WAIT).until(d -> d.findElements(By.cssSelector("#shards tbody tr")).size() == 4);
        JsonNode changed = admin.get("/actuator/ring").json();
        assertThat(changed.get("epoch").asLong()).isEqualTo(epoch + 1);
        assertThat(slotCountsShown()).isEqualTo(slotsOwned(changed)).containsKey("s-4");
        assertThat(pixelsPerShard()).isEqualTo(slotsOwned(changed));
        assertTableMatches(changed);
        JsonNode rerouted = admin.get("/actuator/route/alice").json();
        browser.waitAtMost(WAIT).until(d -> String.valueOf(epoch + 1)
                .equals(d.findElement(By.id("lookup-result")).getDomAttribute("data-epoch")));
        assertThat(browser.driver().findElement(By.id("lookup-result")).getDomAttribute("data-shard"))
                .as("the lookup says where alice routes now").isEqualTo(rerouted.get("shardId").asString());
        assertMarkerOn(slot, rerouted.get("shardId").asString());
        browser.screenshot("ring-console-after-change");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();

        browser.phoneWidth();
        try {
            assertThat(browser.script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"))
                    .as("the page does not scroll sideways on a phone").isEqualTo(true);
            browser.screenshot("ring-console-phone");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
        } finally {
            browser.desktopWidth();
        }
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /**
     * A resharding that adds s-5 (at an address where no shard answers, so its first batch stays COPYING, waiting for
     * a report that never comes: a state that holds still to be looked at) until an operator aborts it. s-5 rather
     * than the s-4 that {@link #drawsTheRingLooksUpAUserAndFollowsAnAdminsChangeWithoutAReload} adds, and s-5 leaves
     * the directory again afterwards, so that the two tests pass in either order on the context and Redis they share.
     */
    @Test
    void drawsAReshardingsMovingSlotsAndShowsItsProgressUntilAnAbortStopsIt() {
        AdminClient admin = AdminClient.as(managementPort, "admin", "admin-secret");
        AdminClient viewer = AdminClient.as(managementPort, "viewer", "viewer-secret");
        browser.desktopWidth().open("http://viewer:viewer-secret@127.0.0.1:" + managementPort + "/console");
        awaitEpochShown(admin.epoch());
        browser.waitAtMost(WAIT)
                .until(d -> "none".equals(d.findElement(By.id("resharding")).getDomAttribute("data-state")));
        assertThat(browser.driver().findElement(By.id("resharding-none")).getText()).isEqualTo("No resharding.");
        assertThat(browser.driver().findElement(By.id("resharding-detail")).isDisplayed()).isFalse();
        assertThat(browser.driver().findElement(By.id("grid")).getDomAttribute("data-moving")).isEqualTo("0");
        try {
            AdminClient.Reply started = admin.post("/actuator/migrations/s-5",
                    "{\"url\":\"http://127.0.0.1:9005\",\"start\":true}");
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            JsonNode copying = awaitMigrations(viewer, view -> view.path("inFlight").isObject());
            JsonNode flight = copying.get("inFlight");
            int count = flight.get("count").asInt();
            String source = flight.get("source").asString();
            assertThat(count).as("the default batch").isEqualTo(64);
            assertThat(flight.get("target").asString()).isEqualTo("s-5");
            assertThat(flight.get("phase").asString()).isEqualTo("COPYING");

            awaitEpochShown(copying.get("epoch").asLong());
            WebElement grid = browser.driver().findElement(By.id("grid"));
            assertThat(grid.getDomAttribute("data-moving")).isEqualTo(String.valueOf(count));
            assertThat(grid.getDomAttribute("aria-label"))
                    .endsWith("; 64 slots moving: 64 from " + source + " to s-5, copying");
            List<WebElement> moving = browser.driver().findElements(By.cssSelector("#legend li.moving"));
            assertThat(moving).hasSize(1);
            assertThat(moving.get(0).getText()).isEqualTo("moving " + source + " → s-5 (copying): 64 slots");
            assertThat(moving.get(0).getDomAttribute("data-count")).isEqualTo("64");
            assertThat(browser.driver().findElement(By.id("moving-note")).isDisplayed()).isTrue();
            JsonNode ring = admin.get("/actuator/ring").json();
            Map<String, Integer> expected = new HashMap<>(slotsOwned(ring));
            assertThat(expected).as("the target joined the directory, owning nothing yet").containsEntry("s-5", 0);
            assertThat(slotCountsShown()).as("the legend's owner counts are the ring's, moving slots included")
                    .isEqualTo(expected);
            expected.merge(source, -count, Integer::sum);
            expected.put("moving " + source + " → s-5 COPYING", count);
            assertThat(pixelsPerShard()).as("the moving slots in their own colour, no other slot in it")
                    .isEqualTo(expected);
            assertThat(coloursOf(slotSet(flight.get("slots").asString())))
                    .as("exactly the batch's slots are drawn as moving").containsExactly(swatchColour(moving.get(0)));
            assertThat(swatchColour(moving.get(0))).as("a copying slot is its source's and target's colours mixed")
                    .isEqualTo(mix(swatchColour(legendItem(source)), swatchColour(legendItem("s-5"))));

            browser.waitAtMost(WAIT)
                    .until(d -> d.findElement(By.id("resharding-batch")).getText().startsWith("64 slots"));
            JsonNode shown = viewer.get("/actuator/migrations").json();
            JsonNode progress = shown.get("progress");
            assertThat(browser.driver().findElement(By.id("resharding")).getDomAttribute("data-state"))
                    .isEqualTo("RUNNING");
            assertThat(browser.driver().findElement(By.id("resharding-detail")).isDisplayed()).isTrue();
            assertThat(browser.driver().findElement(By.id("resharding-none")).isDisplayed()).isFalse();
            assertThat(text("resharding-status")).isEqualTo("running");
            assertThat(text("resharding-control")).isEqualTo("running");
            WebElement bar = browser.driver().findElement(By.id("resharding-progress"));
            String slotsMoved = String.valueOf(progress.get("slotsMoved").asInt());
            assertThat(slotsMoved).isEqualTo("0");
            assertThat(bar.getDomProperty("value")).isEqualTo(slotsMoved);
            String total = String.valueOf(shown.get("totalSlots").asInt());
            assertThat(total).as("the share s-5 takes, the batch in flight included").isNotEqualTo("0");
            assertThat(bar.getDomAttribute("max")).isEqualTo(total);
            assertThat(bar.getDomAttribute("value")).isEqualTo(slotsMoved);
            assertThat(text("resharding-progress-text")).isEqualTo("0 of " + total + " slots");
            assertThat(text("resharding-rows")).isEqualTo(String.valueOf(progress.get("rowsCopied").asLong()));
            assertThat(text("resharding-batch")).isEqualTo("64 slots (" + flight.get("slots").asString() + ") from "
                    + source + " to s-5, copying; no report from s-5 yet");
            assertThat(text("resharding-batches")).isEqualTo("0 cut over, up to 64 slots each");
            assertThat(text("resharding-pauses")).isEqualTo("none yet");
            assertThat(text("resharding-eta")).as("no batch has been cut over to estimate from")
                    .isEqualTo("not known yet");
            browser.screenshot("ring-console-resharding");
            browser.script("document.getElementById('grid-heading').scrollIntoView();");
            browser.screenshot("ring-console-resharding-grid");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
            browser.phoneWidth();
            try {
                assertThat(browser.script(
                        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"))
                        .as("the page does not scroll sideways on a phone").isEqualTo(true);
                browser.screenshot("ring-console-resharding-phone");
                assertThat(browser.seriousAccessibilityViolations()).isEmpty();
            } finally {
                browser.desktopWidth();
            }

            AdminClient.Reply abort = admin.post("/actuator/migrations", "{\"action\":\"abort\"}");
            assertThat(abort.status()).as(abort.text()).isEqualTo(200);
            browser.waitAtMost(WAIT).withMessage(() -> "the abort not shown; page says "
                    + browser.driver().findElement(By.tagName("body")).getText())
                    .until(d -> "0".equals(d.findElement(By.id("grid")).getDomAttribute("data-moving"))
                            && "STOPPED".equals(d.findElement(By.id("resharding-status")).getDomAttribute("data-status")));
            assertThat(text("resharding-status")).isEqualTo("stopped");
            assertThat(text("resharding-reason")).isEqualTo("aborted by an operator");
            assertThat(browser.driver().findElements(By.cssSelector("#legend li.moving"))).isEmpty();
            assertThat(browser.driver().findElement(By.id("moving-note")).isDisplayed()).isFalse();
            JsonNode aborted = admin.get("/actuator/ring").json();
            awaitEpochShown(aborted.get("epoch").asLong());
            assertThat(pixelsPerShard()).as("every slot back in its owner's colour").isEqualTo(slotsOwned(aborted));
            assertThat(text("resharding-batch")).isEqualTo("none");
            assertThat(text("resharding-eta")).isEqualTo("–");
            assertThat(browser.consoleErrors()).isEmpty();
        } finally {
            endResharding(admin, viewer);
        }
    }

    /**
     * The resharding section against bodies of /actuator/migrations that no registry without real shards reaches (a
     * target's report, batches cut over, write pauses, an estimate), one that leaves out every field it may, and a
     * failure: the page's fetch of that one path is answered in the browser, everything else is the registry's.
     */
    @Test
    void showsEveryPartOfAReshardingsProgressAndToleratesWhatTheEndpointLeavesOut() {
        browser.desktopWidth().open("http://viewer:viewer-secret@127.0.0.1:" + managementPort + "/console");
        awaitEpochShown(AdminClient.as(managementPort, "viewer", "viewer-secret").epoch());
        browser.script("""
                const real = window.fetch.bind(window);
                window.stubbedMigrations = arguments[0];
                window.fetch = (url, options) => new URL(url, location.origin).pathname === '/actuator/migrations'
                  ? Promise.resolve(new Response(window.stubbedMigrations.body,
                      {status: window.stubbedMigrations.status, headers: {'Content-Type': 'application/json'}}))
                  : real(url, options);
                """, stub(200, """
                {"epoch": 7,
                 "resharding": {"id": "r-1", "shards": [], "batchSlots": 64, "maxLag": 1000,
                                "freezeTimeoutMillis": 10000, "createdAtMillis": 1733300000000},
                 "control": "PAUSED",
                 "progress": {"status": "RUNNING", "reason": "copying", "batches": 3, "slotsMoved": 192,
                              "rowsCopied": 5000, "batchStartedAtMillis": 0, "frozenAtMillis": 0, "freezeTimeouts": 0,
                              "pausesMillis": [400, 900, 350], "updatedAtMillis": 0},
                 "pauses": {"count": 3, "p50Millis": 400, "p99Millis": 900, "maxMillis": 900},
                 "inFlight": {"slots": "0-63", "count": 64, "source": "s-1", "target": "s-4", "phase": "COPYING",
                              "report": {"phase": "CATCHING_UP", "lag": 12, "rowsCopied": 300, "entriesReplayed": 4}},
                 "remainingSlots": 3904, "totalSlots": 4096, "etaSeconds": 42}"""));
        browser.waitAtMost(WAIT)
                .until(d -> "about 42 s".equals(d.findElement(By.id("resharding-eta")).getText()));
        WebElement bar = browser.driver().findElement(By.id("resharding-progress"));
        assertThat(bar.getDomAttribute("max")).isEqualTo("4096");
        assertThat(bar.getDomAttribute("value")).isEqualTo("192");
        assertThat(text("resharding-progress-text")).isEqualTo("192 of 4096 slots");
        assertThat(text("resharding-status")).isEqualTo("running");
        assertThat(text("resharding-control")).isEqualTo("paused");
        assertThat(text("resharding-reason")).isEqualTo("copying");
        assertThat(text("resharding-rows")).isEqualTo("5000");
        assertThat(text("resharding-batches")).isEqualTo("3 cut over, up to 64 slots each");
        assertThat(text("resharding-batch")).isEqualTo(
                "64 slots (0-63) from s-1 to s-4, copying; s-4 reports catching up, lag 12, 300 rows copied");
        assertThat(text("resharding-pauses")).isEqualTo("p50 400 ms · p99 900 ms · max 900 ms (3 batches)");
        browser.screenshot("ring-console-resharding-progress");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();

        browser.script("window.stubbedMigrations = arguments[0];", stub(200, """
                {"epoch": 7, "resharding": {"id": "r-1"}, "control": "RUNNING", "progress": {"status": "RUNNING"}}"""));
        browser.waitAtMost(WAIT)
                .until(d -> "not known yet".equals(d.findElement(By.id("resharding-eta")).getText()));
        assertThat(bar.getDomAttribute("value")).as("no total: an indeterminate bar").isNull();
        assertThat(text("resharding-progress-text")).isEqualTo("0 slots moved; how many remain is not known");
        assertThat(text("resharding-batch")).isEqualTo("none");
        assertThat(text("resharding-batches")).isEqualTo("0 cut over");
        assertThat(text("resharding-pauses")).isEqualTo("none yet");
        assertThat(text("resharding-started")).isEqualTo("unknown");

        browser.script("window.stubbedMigrations = arguments[0];", stub(503, """
                {"status": 503, "detail": "Redis is not answering"}"""));
        browser.waitAtMost(WAIT).until(d -> d.findElement(By.id("resharding-error")).isDisplayed());
        assertThat(text("resharding-error")).isEqualTo("/actuator/migrations: Redis is not answering");
        assertThat(browser.driver().findElement(By.id("live")).getDomAttribute("data-state"))
                .as("the rest of the page stays live").isEqualTo("live");
        assertThat(browser.driver().findElement(By.id("console-error")).isDisplayed()).isFalse();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static Map<String, Object> stub(int status, String body) {
        return Map.of("status", status, "body", body);
    }

    /**
     * Leaves no resharding running, which would make /actuator/shards refuse the other tests' changes, and takes s-5
     * out of the directory it joined when its batch started: owning nothing after the abort, it leaves without moving
     * a slot.
     */
    private static void endResharding(AdminClient admin, AdminClient viewer) {
        if (status(viewer.get("/actuator/migrations").json()).equals("RUNNING")) {
            admin.post("/actuator/migrations", "{\"action\":\"abort\"}");
            awaitMigrations(viewer, view -> !status(view).equals("RUNNING"));
        }
        if (ids(admin.get("/actuator/ring").json()).contains("s-5")) {
            AdminClient.Reply removed = admin.delete("/actuator/shards/s-5");
            assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        }
    }

    private static String status(JsonNode migrations) {
        return migrations.path("progress").path("status").asString("");
    }

    /** /actuator/migrations once it answers what {@code until} waits for. */
    private static JsonNode awaitMigrations(AdminClient viewer, Predicate<JsonNode> until) {
        JsonNode[] view = new JsonNode[1];
        browser.waitAtMost(WAIT).withMessage(() -> "/actuator/migrations says " + view[0]).until(d -> {
            view[0] = viewer.get("/actuator/migrations").json();
            return until.test(view[0]);
        });
        return view[0];
    }

    private static String text(String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    private void awaitEpochShown(long epoch) {
        browser.waitAtMost(WAIT).withMessage(() -> "epoch " + epoch + " not shown; page says "
                + browser.driver().findElement(By.tagName("body")).getText() + "; console: " + browser.consoleMessages())
                .until(d -> String.valueOf(epoch).equals(d.findElement(By.id("epoch")).getText())
                && String.valueOf(epoch).equals(d.findElement(By.id("grid")).getDomAttribute("data-epoch")));
    }

    /** The table's rows, cell for cell, against /actuator/ring (heartbeat ages move, so only their presence). */
    private static void assertTableMatches(JsonNode ring) {
        List<String> rows = new ArrayList<>();
        browser.driver().findElements(By.cssSelector("#shards tbody tr")).forEach(row -> rows.add(row.getDomAttribute("data-shard")));
        assertThat(rows).isEqualTo(ids(ring));
        for (JsonNode shard : ring.get("shards")) {
            String id = shard.get("id").asString();
            WebElement header = browser.driver().findElement(By.cssSelector("#shards tbody tr[data-shard='" + id + "'] th"));
            assertThat(header.getText()).isEqualTo(id);
            assertThat(cell(id, "url")).isEqualTo(shard.get("url").asString());
            assertThat(cell(id, "weight")).isEqualTo(String.valueOf(shard.get("weight").asInt()));
            assertThat(cell(id, "state")).isEqualTo(shard.get("state").asString());
            assertThat(cell(id, "slots")).isEqualTo(String.valueOf(shard.get("slotsOwned").asInt()));
            assertThat(Double.parseDouble(cell(id, "share").replace("%", "")))
                    .isCloseTo(shard.get("share").asDouble() * 100, within(0.051));
            JsonNode alive = shard.get("alive");
            assertThat(cell(id, "liveness"))
                    .isEqualTo(alive == null || alive.isNull() ? "unknown" : alive.asBoolean() ? "alive" : "dead");
        }
    }

    private static String cell(String shard, String column) {
        return browser.driver().findElement(By.cssSelector("#shards tbody tr[data-shard='" + shard + "'] td." + column))
                .getText();
    }

    /** The marker is shown, centred on the slot's cell, and that cell has the colour of the shard the lookup names. */
    private static void assertMarkerOn(int slot, String shardId) {
        WebElement marker = browser.driver().findElement(By.id("marker"));
        assertThat(marker.isDisplayed()).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> geometry = (Map<String, Object>) browser.script("""
                const grid = document.getElementById('grid').getBoundingClientRect();
                const marker = document.getElementById('marker').getBoundingClientRect();
                const c = document.getElementById('grid');
                const slot = arguments[0];
                const x = slot % c.width, y = Math.floor(slot / c.width);
                const cellX = grid.left + (x + 0.5) * grid.width / c.width;
                const cellY = grid.top + (y + 0.5) * grid.height / c.height;
                const pixel = c.getContext('2d').getImageData(x, y, 1, 1).data;
                const swatch = document.querySelector(`#legend li[data-shard="${arguments[1]}"] .swatch`);
                return {dx: Math.abs(marker.left + marker.width / 2 - cellX), dy: Math.abs(marker.top + marker.height / 2 - cellY),
                        cellWidth: grid.width / c.width, pixel: `rgb(${pixel[0]}, ${pixel[1]}, ${pixel[2]})`,
                        swatch: getComputedStyle(swatch).backgroundColor};
                """, slot, shardId);
        double cellWidth = ((Number) geometry.get("cellWidth")).doubleValue();
        assertThat(((Number) geometry.get("dx")).doubleValue()).as("marker centre, x").isLessThanOrEqualTo(cellWidth);
        assertThat(((Number) geometry.get("dy")).doubleValue()).as("marker centre, y").isLessThanOrEqualTo(cellWidth);
        assertThat(geometry.get("pixel")).as("the slot's colour is its owner's").isEqualTo(geometry.get("swatch"));
    }

    /** The slots per shard as the page counted them from the slot table it drew. */
    private static Map<String, Integer> slotCountsShown() {
        Map<String, Integer> counts = new HashMap<>();
        for (WebElement item : browser.driver().findElements(By.cssSelector("#legend li[data-shard]"))) {
            counts.put(item.getDomAttribute("data-shard"), Integer.parseInt(item.findElement(By.cssSelector(".count")).getText()));
        }
        return counts;
    }

    /**
     * The grid's pixels counted by colour, each colour named by the legend's swatch that has it: a shard's by its ID,
     * moving slots' as {@code "moving <source> → <target> <PHASE>"}.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Integer> pixelsPerShard() {
        Map<String, Object> counts = (Map<String, Object>) browser.script("""
                const c = document.getElementById('grid');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const byColour = new Map();
                for (let i = 0; i < d.length; i += 4) {
                  const key = `rgb(${d[i]}, ${d[i + 1]}, ${d[i + 2]})`;
                  byColour.set(key, (byColour.get(key) || 0) + 1);
                }
                const counts = {};
                for (const item of document.querySelectorAll('#legend li')) {
                  const colour = getComputedStyle(item.querySelector('.swatch')).backgroundColor;
                  const name = item.dataset.shard
                    || `moving ${item.dataset.source} → ${item.dataset.target} ${item.dataset.phase}`;
                  counts[name] = byColour.get(colour) || 0;
                  byColour.delete(colour);
                }
                for (const [colour, n] of byColour) counts['unexplained ' + colour] = n;
                return counts;
                """);
        Map<String, Integer> result = new HashMap<>();
        counts.forEach((id, n) -> result.put(id, ((Number) n).intValue()));
        return result;
    }

    /** The distinct colours of these slots' cells on the grid. */
    @SuppressWarnings("unchecked")
    private static List<String> coloursOf(List<Integer> slots) {
        return (List<String>) browser.script("""
                const c = document.getElementById('grid');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const colours = new Set(arguments[0].map((s) => `rgb(${d[4 * s]}, ${d[4 * s + 1]}, ${d[4 * s + 2]})`));
                return [...colours];
                """, slots);
    }

    private static WebElement legendItem(String shard) {
        return browser.driver().findElement(By.cssSelector("#legend li[data-shard='" + shard + "']"));
    }

    /** The item's swatch colour as the grid's pixels are compared with it, {@code rgb(r, g, b)}. */
    private static String swatchColour(WebElement legendItem) {
        return (String) browser.script(
                "return getComputedStyle(arguments[0].querySelector('.swatch')).backgroundColor;", legendItem);
    }

    /** Halfway between two {@code rgb(r, g, b)} colours, each channel rounded half up. */
    private static String mix(String a, String b) {
        int[] x = channels(a);
        int[] y = channels(b);
        return "rgb(" + Math.round((x[0] + y[0]) / 2.0) + ", " + Math.round((x[1] + y[1]) / 2.0) + ", "
                + Math.round((x[2] + y[2]) / 2.0) + ")";
    }

    private static int[] channels(String rgb) {
        String[] parts = rgb.replaceAll("rgb\\(|\\)", "").split(",\\s*");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    }

    /** A slot set as the shards write it ({@code "0-15,40"}), parsed independently of the page. */
    private static List<Integer> slotSet(String text) {
        List<Integer> slots = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] range = part.split("-");
            int first = Integer.parseInt(range[0]);
            int last = Integer.parseInt(range[range.length - 1]);
            for (int slot = first; slot <= last; slot++) {
                slots.add(slot);
            }
        }
        return slots;
    }

    private static List<String> ids(JsonNode ring) {
        List<String> ids = new ArrayList<>();
        ring.get("shards").forEach(shard -> ids.add(shard.get("id").asString()));
        return ids;
    }

    private static Map<String, Integer> slotsOwned(JsonNode ring) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode shard : ring.get("shards")) {
            counts.put(shard.get("id").asString(), shard.get("slotsOwned").asInt());
        }
        return counts;
    }

    /** The slot table's owner indices, decoded independently of the page: unsigned 16-bit, low byte first. */
    private static int[] owners(String base64, int slotCount) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(2 * slotCount);
        int[] owners = new int[slotCount];
        for (int slot = 0; slot < slotCount; slot++) {
            owners[slot] = Short.toUnsignedInt(bytes.getShort());
        }
        return owners;
    }
}
