package dev.bookmarks.shardregistry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.testing.browser.Browser;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The ring console in a real headless Chromium, on a registry with three shards: the picture, the table and the
 * lookup agree with the Actuator endpoints, and an admin's change shows up without a reload.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.registry.poll-interval=200ms",
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
@ActiveProfiles("local")
class RingConsoleIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
    }

    static Browser browser;

    @LocalManagementPort
    int managementPort;

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
    void servesTheConsoleToAViewerUnderAStrictPolicyAndToNobodyElse() throws Exception {
        AdminClient.Reply anonymous = AdminClient.anonymous(managementPort).get("/console");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.wwwAuthenticate()).startsWith("Basic");
        assertThat(AdminClient.as(managementPort, "viewer", "wrong").get("/console").status()).isEqualTo(401);
        assertThat(AdminClient.anonymous(managementPort).get("/console/slots").status()).isEqualTo(401);

        AdminClient viewer = AdminClient.as(managementPort, "viewer", "viewer-secret");
        AdminClient.Reply page = viewer.get("/console");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("<canvas id=\"grid\"").doesNotContain("<script>");
        assertThat(viewer.get("/console/console.js").contentType()).startsWith("text/javascript");
        assertThat(viewer.get("/console/nothing.js").status()).isEqualTo(404);
        AdminClient.Reply slots = viewer.get("/console/slots");
        assertThat(slots.status()).isEqualTo(200);
        JsonNode ring = viewer.get("/actuator/ring").json();
        assertThat(slots.json().get("epoch").asLong()).isEqualTo(ring.get("epoch").asLong());
        assertThat(slots.json().get("shards")).hasSameSizeAs(ring.get("shards"));
        HttpResponse<String> withHeaders = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/console")).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("viewer:viewer-secret".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withHeaders.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("default-src 'self'", "script-src 'self';", "frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline", "unsafe-eval"));
        assertThat(withHeaders.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(withHeaders.headers().firstValue("ETag")).isPresent();
        assertThat(viewer.post("/actuator/shards/s-9", "{\"url\":\"http://127.0.0.1:9009\",\"weight\":1,"
                + "\"expectedEpoch\":1,\"force\":true}").status()).as("a viewer still cannot change the ring")
                .isEqualTo(403);
    }

    @Test
    void drawsTheRingLooksUpAUserAndFollowsAnAdminsChange() throws Exception {
        AdminClient admin = AdminClient.as(managementPort, "admin", "admin-secret");
        browser.open("http://admin:admin-secret@127.0.0.1:" + managementPort + "/console");
        long epoch = admin.epoch();
        awaitEpochShown(epoch);

        assertThat(slotCountsShown()).isEqualTo(slotsOwned(admin));
        assertThat(browser.driver().findElements(By.cssSelector("#shards tbody tr")))
                .extracting(row -> row.getAttribute("data-shard")).containsExactly("s-1", "s-2", "s-3");
        assertThat(((Number) browser.script("const c = document.getElementById('grid');"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + " const colours = new Set(); for (let i = 0; i < d.length; i += 4) colours.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);"
                + " return colours.size;")).intValue()).as("one colour per shard").isEqualTo(3);

        WebElement user = browser.driver().findElement(By.id("lookup-user"));
        user.sendKeys("alice");
        browser.driver().findElement(By.id("lookup")).click();
        JsonNode route = admin.get("/actuator/route/alice").json();
        browser.waitAtMost(WAIT).until(d -> String.valueOf(route.get("slot").asInt())
                .equals(d.findElement(By.id("marker")).getAttribute("data-slot")));
        assertThat(browser.driver().findElement(By.id("marker")).isDisplayed()).isTrue();
        assertThat(browser.driver().findElement(By.id("lookup-result")).getText())
                .contains("slot " + route.get("slot").asInt()).contains(route.get("shardId").asString());
        browser.screenshot("ring-console");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();

        AdminClient.Reply added = admin.post("/actuator/shards/s-4", "{\"url\":\"http://127.0.0.1:9004\",\"weight\":1,"
                + "\"expectedEpoch\":" + epoch + ",\"force\":true}");
        assertThat(added.status()).as(added.text()).isIn(200, 201);
        awaitEpochShown(epoch + 1);
        browser.waitAtMost(WAIT).until(d -> d.findElements(By.cssSelector("#shards tbody tr")).size() == 4);
        assertThat(slotCountsShown()).isEqualTo(slotsOwned(admin)).containsKey("s-4");
        browser.screenshot("ring-console-after-change");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private void awaitEpochShown(long epoch) {
        browser.waitAtMost(WAIT).withMessage(() -> "epoch " + epoch + " not shown; page says "
                + browser.driver().findElement(By.tagName("body")).getText() + "; console: " + browser.consoleMessages())
                .until(d -> String.valueOf(epoch).equals(d.findElement(By.id("epoch")).getText())
                && String.valueOf(epoch).equals(d.findElement(By.id("grid")).getAttribute("data-epoch")));
    }

    /** The slots per shard as the page counted them from the slot table it drew. */
    private static Map<String, Integer> slotCountsShown() {
        Map<String, Integer> counts = new HashMap<>();
        for (WebElement item : browser.driver().findElements(By.cssSelector("#legend li"))) {
            counts.put(item.getAttribute("data-shard"), Integer.parseInt(item.findElement(By.cssSelector(".count")).getText()));
        }
        return counts;
    }

    private static Map<String, Integer> slotsOwned(AdminClient admin) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode shard : admin.get("/actuator/ring").json().get("shards")) {
            counts.put(shard.get("id").asString(), shard.get("slotsOwned").asInt());
        }
        return counts;
    }

}
