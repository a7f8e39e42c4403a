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
 * with the Actuator endpoints, and that an admin's change shows up without a reload.
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
        for (WebElement item : browser.driver().findElements(By.cssSelector("#legend li"))) {
            counts.put(item.getDomAttribute("data-shard"), Integer.parseInt(item.findElement(By.cssSelector(".count")).getText()));
        }
        return counts;
    }

    /** The grid's pixels counted by colour, each colour named by the legend's swatch that has it. */
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
                  counts[item.dataset.shard] = byColour.get(colour) || 0;
                  byColour.delete(colour);
                }
                for (const [colour, n] of byColour) counts['unexplained ' + colour] = n;
                return counts;
                """);
        Map<String, Integer> result = new HashMap<>();
        counts.forEach((id, n) -> result.put(id, ((Number) n).intValue()));
        return result;
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
