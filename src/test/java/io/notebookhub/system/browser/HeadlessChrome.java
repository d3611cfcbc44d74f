package io.notebookhub.system.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven headless by Selenium through Debian's chromedriver (no driver or browser download),
 * with a fresh profile folder and the flags this closed network needs.
 */
public final class HeadlessChrome implements AutoCloseable {
    private final Path profile;
    public final ChromeDriver driver;

    public HeadlessChrome() throws IOException {
        profile = Files.createTempDirectory("chrome-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Path.of("/usr/bin/chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--disable-quic", "--window-size=1280,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    public WebDriverWait waitUpTo(Duration timeout) {
        return new WebDriverWait(driver, timeout);
    }

    public WebElement await(By by, Duration timeout) {
        return waitUpTo(timeout).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public WebDriver get(String url) {
        driver.get(url);
        return driver;
    }

    /** Logs in through the hub's dev login form. */
    public void devLogin(String baseUrl, String user) {
        driver.get(baseUrl + "/hub/login");
        submitDevLoginForm(user);
    }

    /**
     * Fills in and submits the dev login form of the page the browser shows (any password is accepted), and waits
     * until the hub's answer has replaced the form's page. A click returns before that navigation ends, and a
     * {@link #get} issued in between would race the login's redirect: the page the test asked for could be
     * replaced by the home page the redirect leads to.
     */
    public void submitDevLoginForm(String user) {
        driver.findElement(By.id("username_input")).sendKeys(user);
        driver.findElement(By.id("password_input")).sendKeys("pw");
        WebElement submit = driver.findElement(By.id("login_submit"));
        submit.click();
        waitUpTo(Duration.ofSeconds(30)).until(d -> formReplaced(submit));
        waitUpTo(Duration.ofSeconds(30)).until(d -> "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /**
     * Whether the page holding this button has been replaced. Asked in the middle of the navigation, Chrome can answer
     * that the node "does not belong to the document" rather than that the element is stale: gone all the same.
     */
    private static boolean formReplaced(WebElement submit) {
        try {
            submit.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** Logs out as a person does: the logout page, then its confirmation button (a POST with the XSRF token). */
    public void logout(String baseUrl) {
        driver.get(baseUrl + "/hub/logout");
        await(By.id("logout-confirm"), Duration.ofSeconds(30)).click();
    }

    /**
     * When the hub answers a logout with a page that asks to confirm it (a form posting to /hub/logout), confirms;
     * otherwise the logout is already done. Waits for either.
     */
    public void confirmLogoutIfAsked() {
        By confirm = By.cssSelector("form[action$=\"/hub/logout\"] [type=submit], form[action$=\"/hub/logout\"] button");
        waitUpTo(Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("/hub/login")
                || !d.findElements(confirm).isEmpty());
        if (!driver.getCurrentUrl().contains("/hub/login")) {
            driver.findElement(confirm).click();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
