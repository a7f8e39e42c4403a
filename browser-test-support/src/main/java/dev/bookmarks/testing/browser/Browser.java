package dev.bookmarks.testing.browser;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium: Debian's {@code chromium} driven through its {@code chromedriver} (both found on the
 * PATH's usual places, or at {@code CHROMIUM} and {@code CHROMEDRIVER}), with a fresh profile per instance. Nothing
 * is downloaded: Selenium Manager is never asked, since both paths are given.
 *
 * <p>It collects what a browser test asserts besides the page itself: the console's errors ({@link
 * #consoleErrors()}), axe-core's serious and critical accessibility violations ({@link
 * #seriousAccessibilityViolations()}) and screenshots written under the module's {@code target/} ({@link
 * #screenshot(String)}).
 */
public final class Browser implements AutoCloseable {

    /** The desktop window size; {@link #phoneWidth()} switches to a phone's. */
    public static final Dimension DESKTOP = new Dimension(1280, 900);
    public static final Dimension PHONE = new Dimension(390, 844);

    private final ChromeDriver driver;
    private final Path screenshots;
    private final Path profile;
    private final Path downloads;

    private Browser(ChromeDriver driver, Path screenshots, Path profile, Path downloads) {
        this.driver = driver;
        this.screenshots = screenshots;
        this.profile = profile;
        this.downloads = downloads;
    }

    /**
     * Starts a headless Chromium whose screenshots go to {@code screenshots} (created if missing). It accepts the
     * local stack's self-signed certificates: the tests reach only loopback addresses.
     */
    public static Browser start(Path screenshots) {
        try {
            Files.createDirectories(screenshots);
            Path profile = Files.createTempDirectory("chromium-profile");
            Path downloads = Files.createDirectories(profile.resolve("downloads"));
            ChromeOptions options = new ChromeOptions();
            options.setBinary(executable("CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser"));
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--ignore-certificate-errors", "--user-data-dir=" + profile,
                    "--window-size=" + DESKTOP.getWidth() + "," + DESKTOP.getHeight(), "--lang=en-US");
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US",
                    "download.default_directory", downloads.toString(), "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(executable("CHROMEDRIVER", "/usr/bin/chromedriver",
                            "/usr/lib/chromium/chromedriver")))
                    .usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
            return new Browser(driver, screenshots, profile, downloads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String executable(String variable, String... candidates) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + String.join(" or ", candidates) + " (set " + variable
                + "; on Debian: apt-get install chromium chromium-driver)");
    }

    /** Where the browser saves downloads (inside its profile: deleted by {@link #close()}). */
    public Path downloads() {
        return downloads;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Navigates to {@code url} and returns once the page has loaded. */
    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    /** A wait of at most {@code timeout}, polling every 100 ms. */
    public WebDriverWait waitAtMost(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        return wait;
    }

    /** Runs a script in the page and returns its result (Selenium's conversion of JavaScript values). */
    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** A phone's window (390 x 844), for the narrow layout. */
    public Browser phoneWidth() {
        driver.manage().window().setSize(PHONE);
        return this;
    }

    public Browser desktopWidth() {
        driver.manage().window().setSize(DESKTOP);
        return this;
    }

    /** Writes a PNG of the viewport to {@code <screenshots>/<name>.png} and returns its path. */
    public Path screenshot(String name) {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = screenshots.resolve(name + ".png");
        try {
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * The console's errors (level SEVERE: uncaught exceptions, failed loads, CSP violations) since the last call,
     * each as {@code "<message>"}. Chromium logs a failed request's status as an error too, so a test that provokes
     * one filters by what it expects.
     */
    public List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    /** Every console message (any level) since the last call, for diagnosing a failed test. */
    public List<String> consoleMessages() {
        List<String> messages = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            messages.add(entry.getLevel() + " " + entry.getMessage());
        }
        return messages;
    }

    /**
     * axe-core's violations of impact {@code serious} or {@code critical} on the page as it is now, each as
     * {@code "<rule id>: <help> (<n> nodes: <first target>)"}; empty when there are none.
     */
    public List<String> seriousAccessibilityViolations() {
        Results results = new AxeBuilder().analyze(driver);
        List<String> serious = new ArrayList<>();
        for (Rule rule : results.getViolations()) {
            if ("serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact())) {
                String first = rule.getNodes().isEmpty() ? "" : String.valueOf(rule.getNodes().get(0).getTarget());
                serious.add(rule.getId() + ": " + rule.getHelp() + " (" + rule.getNodes().size() + " nodes: "
                        + first + ")");
            }
        }
        return serious;
    }

    /** Quits the browser and its driver, and deletes the profile. Idempotent. */
    @Override
    public void close() {
        try {
            driver.quit();
        } catch (RuntimeException alreadyGone) {
            // The session may already be gone (a crashed browser); the profile is removed either way.
        }
        deleteRecursively(profile);
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory: best effort.
        }
    }
}
