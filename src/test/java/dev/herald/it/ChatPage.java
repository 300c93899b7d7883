package dev.herald.it;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The browser chat page as a user sees it in one window: what they type, click and read. */
final class ChatPage {

    static final Duration WAIT = Duration.ofSeconds(15);

    private final WebDriver driver;

    ChatPage(WebDriver driver) {
        this.driver = driver;
    }

    WebDriver driver() {
        return driver;
    }

    ChatPage open(String url) {
        driver.get(url);
        await("the join form", d -> d.findElement(By.id("join")).isDisplayed());
        return this;
    }

    /** Fills in the join form like a person and waits until the page says it is connected. */
    ChatPage join(String room, String name) {
        submitJoin(room, name);
        awaitState("open");
        return this;
    }

    void submitJoin(String room, String name) {
        submitJoin(room, name, null);
    }

    /** Fills in the form; with a token, opens the sign-in section and pastes it, as a person would. */
    void submitJoin(String room, String name, String token) {
        WebElement roomField = driver.findElement(By.id("room"));
        roomField.clear();
        roomField.sendKeys(room);
        WebElement nameField = driver.findElement(By.id("name"));
        nameField.clear();
        nameField.sendKeys(name);
        WebElement tokenField = driver.findElement(By.id("token"));
        if (token != null) {
            if (!tokenField.isDisplayed()) {
                driver.findElement(By.cssSelector("#token-box summary")).click();
            }
            tokenField.sendKeys(token);
        } else if (tokenField.isDisplayed()) {
            tokenField.clear();
        }
        driver.findElement(By.id("join-button")).click();
    }

    /** Types a message and presses Enter, once the page lets the user type (it is connected). */
    void say(String text) {
        WebElement input = driver.findElement(By.id("text"));
        await("the message input to be enabled", d -> input.isEnabled());
        input.sendKeys(text + Keys.ENTER);
    }

    void leave() {
        driver.findElement(By.id("leave")).click();
        await("the join form after leaving", d -> d.findElement(By.id("join")).isDisplayed());
    }

    String state() {
        return driver.findElement(By.id("status")).getDomAttribute("data-state");
    }

    String statusText() {
        return driver.findElement(By.id("status-text")).getText();
    }

    void awaitState(String state) {
        await("connection state " + state, d -> state.equals(state()));
    }

    List<String> members() {
        return texts("#members li");
    }

    /** Each message as {@code name: text}, in page order, exactly as the page holds the text. */
    List<String> messages() {
        return strings(script("return [...document.querySelectorAll('#messages li.msg')]"
                + ".map(li => li.querySelector('.from').textContent + ': ' + li.querySelector('.text').textContent)"));
    }

    List<String> systemLines() {
        return texts("#messages li.system");
    }

    String error() {
        return driver.findElement(By.id("error")).getText();
    }

    String joinError() {
        return driver.findElement(By.id("join-error")).getText();
    }

    String inputText() {
        return driver.findElement(By.id("text")).getDomProperty("value");
    }

    Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /**
     * The text of each element matching {@code css}, read in one script: the page re-renders lists such as the
     * members as a whole, so elements found one call earlier may already be gone.
     */
    private List<String> texts(String css) {
        return strings(script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css));
    }

    private static List<String> strings(Object result) {
        return ((List<?>) result).stream().map(String::valueOf).toList();
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        return await(what, WAIT, condition);
    }

    <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.withMessage(() -> "waiting for " + what + "; status: " + safeStatus() + "; messages: " + safeMessages());
        return wait.until(condition);
    }

    private String safeStatus() {
        try {
            return state() + " / " + statusText();
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private String safeMessages() {
        try {
            return texts("#messages li").toString();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
