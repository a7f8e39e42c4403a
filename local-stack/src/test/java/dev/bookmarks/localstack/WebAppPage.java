package dev.bookmarks.localstack;

import dev.bookmarks.testing.browser.Browser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web app as a user drives it, by the ids and classes of its DOM contract (web-client's {@code app.js}); every
 * wait is bounded by {@link #WAIT}.
 */
final class WebAppPage {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final Browser browser;
    private final String origin;

    WebAppPage(Browser browser, String origin) {
        this.browser = browser;
        this.origin = origin;
    }

    String origin() {
        return origin;
    }

    /**
     * Opens the app and signs in as {@code user}: through the issuer's login form when the browser has no session
     * there yet, straight back otherwise. Returns once the app shows the user and its list has loaded.
     */
    WebAppPage signIn(String user, String password) {
        browser.open(origin + "/");
        browser.waitAtMost(WAIT).until(d -> visible("#signin") || visible("#user"));
        if (visible("#user") && user.equals(text("#user"))) {
            return awaitList();
        }
        if (visible("#user")) {
            signOut();
        }
        click("#signin");
        browser.waitAtMost(WAIT).until(d -> d.getCurrentUrl().contains("/login") || d.getCurrentUrl().startsWith(origin)
                && visible("#user"));
        if (browser.driver().getCurrentUrl().contains("/login")) {
            browser.driver().findElement(By.name("username")).sendKeys(user);
            browser.driver().findElement(By.name("password")).sendKeys(password);
            browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        }
        browser.waitAtMost(WAIT).until(d -> d.getCurrentUrl().startsWith(origin) && visible("#user"));
        browser.waitAtMost(WAIT).until(d -> user.equals(text("#user")));
        return awaitList();
    }

    void signOut() {
        click("#signout");
        browser.waitAtMost(WAIT).until(d -> d.getCurrentUrl().startsWith(origin) && visible("#signin"));
    }

    /** Waits until the list has loaded: neither loading nor in error. */
    WebAppPage awaitList() {
        browser.waitAtMost(WAIT).until(d -> !visible("#loading") && (visible("#bookmarks li.bookmark") || visible("#empty")));
        return this;
    }

    /** Adds a bookmark through the form; tags comma-separated. Returns once its title is listed. */
    void add(String url, String title, String tags, String notes) {
        click("#add");
        fill(url, title, tags, notes);
        click("#f-save");
        browser.waitAtMost(WAIT).until(d -> !visible("#bookmark-form") && titles().contains(title));
    }

    void fill(String url, String title, String tags, String notes) {
        browser.waitAtMost(WAIT).until(d -> visible("#f-url"));
        replace("#f-url", url);
        replace("#f-title", title);
        replace("#f-tags", tags);
        replace("#f-notes", notes);
    }

    void replace(String css, String value) {
        WebElement field = find(css);
        field.clear();
        // sendKeys cannot type every character (astral planes, some controls): set the value the way a paste does.
        ((JavascriptExecutor) browser.driver()).executeScript(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                field, value);
    }

    /** The listed bookmarks' titles, in order. */
    List<String> titles() {
        return retrying(() -> browser.driver().findElements(By.cssSelector("#bookmarks li.bookmark .title")).stream()
                .map(WebElement::getText).toList());
    }

    /** The listed bookmarks' ids, in order. */
    List<String> ids() {
        return retrying(() -> browser.driver().findElements(By.cssSelector("#bookmarks li.bookmark")).stream()
                .map(e -> e.getAttribute("data-id")).toList());
    }

    WebElement item(String title) {
        return retrying(() -> browser.driver().findElements(By.cssSelector("#bookmarks li.bookmark")).stream()
                .filter(e -> e.findElement(By.cssSelector(".title")).getText().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no bookmark titled " + title + " in " + titles())));
    }

    void edit(String title, String newTitle, String newTags) {
        item(title).findElement(By.cssSelector("button.edit")).click();
        browser.waitAtMost(WAIT).until(d -> visible("#f-title") && !find("#f-url").getAttribute("value").isEmpty());
        replace("#f-title", newTitle);
        replace("#f-tags", newTags);
        click("#f-save");
        browser.waitAtMost(WAIT).until(d -> !visible("#bookmark-form") && titles().contains(newTitle));
    }

    void delete(String title) {
        item(title).findElement(By.cssSelector("button.delete")).click();
        browser.waitAtMost(WAIT).until(d -> !titles().contains(title) && visible("#toast"));
    }

    void undo() {
        click("#undo");
    }

    void search(String q) {
        replace("#search", q);
        find("#search").sendKeys(Keys.ENTER);
    }

    void filterByTag(String tag) {
        WebElement button = browser.waitAtMost(WAIT).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#tags button.tag-filter[data-tag='" + tag.replace("'", "\\'") + "']")));
        button.click();
        browser.waitAtMost(WAIT).until(d -> visible("#active-filter"));
    }

    /** The count the tag list shows for {@code tag}, or -1 when it is not listed. */
    int tagCount(String tag) {
        return retrying(() -> browser.driver().findElements(By.cssSelector("#tags button.tag-filter")).stream()
                .filter(e -> tag.equals(e.getAttribute("data-tag"))).findFirst()
                .map(e -> Integer.parseInt(e.findElement(By.cssSelector(".count")).getText().replaceAll("\\D", "")))
                .orElse(-1));
    }

    /** Imports a Netscape bookmark file and waits until the import says it is done. */
    void importFile(Path file, Duration within) {
        find("#import-file").sendKeys(file.toAbsolutePath().toString());
        browser.waitAtMost(within).withMessage(() -> "the import did not finish: \"" + text("#import-result")
                        + "\", status \"" + text("#status") + "\", console " + browser.consoleMessages())
                .until(d -> "done".equals(find("#import-result").getAttribute("data-state")));
    }

    String importAttribute(String name) {
        return find("#import-result").getAttribute(name);
    }

    boolean visible(String css) {
        return retrying(() -> browser.driver().findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed));
    }

    String text(String css) {
        return retrying(() -> browser.driver().findElements(By.cssSelector(css)).stream().findFirst()
                .map(WebElement::getText).orElse(""));
    }

    WebElement find(String css) {
        return browser.waitAtMost(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    void click(String css) {
        browser.waitAtMost(WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    /**
     * The app re-renders lists and the sign-in flow navigates; an element found a moment ago may be gone: ask again,
     * a bounded number of times. Chromium reports such an element either as stale or, when the node was detached
     * while its check ran, as "Node with given id does not belong to the document": both mean the same.
     */
    private static <T> T retrying(java.util.function.Supplier<T> read) {
        WebDriverException last = null;
        for (int i = 0; i < 20; i++) {
            try {
                return read.get();
            } catch (StaleElementReferenceException e) {
                last = e;
            } catch (WebDriverException e) {
                if (e.getMessage() == null || !e.getMessage().contains("does not belong to the document")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
