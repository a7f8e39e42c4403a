package dev.bookmarks.testing.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

class BrowserIT {

    @TempDir
    static Path pages;

    static Browser browser;

    @BeforeAll
    static void start() {
        browser = Browser.start(Path.of("target", "screenshots", "browser-test-support"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void reportsAnUncaughtErrorOnTheConsole() throws Exception {
        Path page = Files.writeString(pages.resolve("error.html"),
                "<!doctype html><html lang=en><title>t</title><script>throw new Error('boom-42')</script>");
        browser.open(page.toUri().toString());
        assertThat(browser.consoleErrors()).anySatisfy(e -> assertThat(e).contains("boom-42"));
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void findsASeriousAccessibilityViolationAndNoneOnAnAccessiblePage() throws Exception {
        Path bad = Files.writeString(pages.resolve("bad.html"),
                "<!doctype html><html lang=en><title>t</title><main><input type=text></main>");
        browser.open(bad.toUri().toString());
        assertThat(browser.seriousAccessibilityViolations()).anySatisfy(v -> assertThat(v).startsWith("label:"));

        Path good = Files.writeString(pages.resolve("good.html"),
                "<!doctype html><html lang=en><title>t</title><main><h1>Hi</h1>"
                        + "<label>Name <input type=text></label></main>");
        browser.open(good.toUri().toString());
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();
    }

    @Test
    void writesAScreenshotOfThePage() throws Exception {
        Path page = Files.writeString(pages.resolve("shot.html"),
                "<!doctype html><html lang=en><title>t</title><h1 id=h>Shot</h1>");
        browser.open(page.toUri().toString());
        assertThat(browser.driver().findElement(By.id("h")).getText()).isEqualTo("Shot");
        Path shot = browser.screenshot("browser-it");
        assertThat(Files.size(shot)).isGreaterThan(1000);
        assertThat(Files.readAllBytes(shot)).startsWith(0x89, 'P', 'N', 'G');
    }
}
