package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import dev.herald.client.HeraldClient;
import dev.herald.config.Setting;
import dev.herald.standalone.StandaloneServer;
import java.io.File;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The browser page in real Chromium (Debian's {@code chromium} through {@code chromium-driver}, headless),
 * served by a real standalone server: two windows chat, markup stays text, the page resumes the room after a
 * dropped link and survives a server restart, errors are in words, and the page fits a phone. Runs in the {@code browser} profile; without Chromium it
 * fails and says how to install it.
 */
@Timeout(180)
class ChatPageBrowserIT {

    private static final Path CHROMIUM = Path.of(System.getProperty("herald.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("herald.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** The README shows this one; every browser run refreshes it from a real conversation. */
    private static final Path README_SCREENSHOT = Path.of("docs", "screenshot.png");
    /** Longest backoff after a few retries in a row (16 s), with room to spare. */
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path profiles;
    private static ChatPage ann;
    private static ChatPage bob;

    private StandaloneServer server;

    @BeforeAll
    static void browsers() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                        + ". Install them with: apt-get install chromium chromium-driver");
        ann = new ChatPage(browser("ann"));
        bob = new ChatPage(browser("bob"));
    }

    /**
     * One Chromium per person, each with its own fresh profile, like two people on two machines. The driver is
     * Debian's, given explicitly, so Selenium Manager never downloads anything; quitting the browser stops it.
     */
    private static WebDriver browser(String who) throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-quic", "--lang=en-US", "--window-size=1000,700",
                "--user-data-dir=" + Files.createDirectories(profiles.resolve(who)));
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void quit() {
        for (ChatPage page : new ChatPage[] {ann, bob}) {
            if (page != null) {
                page.driver().quit();
            }
        }
    }

    @AfterEach
    void stop() {
        // Leave the page first: the server drains on close and waits for its clients, and a page that is still
        // open keeps reconnecting, which would hold the drain open for its full drain-seconds.
        for (ChatPage page : List.of(ann, bob)) {
            page.driver().get("about:blank");
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private String start(Map<Setting, String> settings) throws IOException {
        server = StandaloneFixture.start(settings);
        return page(server.port());
    }

    /**
     * The server's root over HTTP, as the README says to open it: it leads to the page at /chat/, and the browser
     * sends the server's own origin.
     */
    private static String page(int port) {
        return "http://127.0.0.1:" + port + "/";
    }

    @Test
    void twoWindowsChatInOneRoomWithPresenceAndMessagesInOrder() throws IOException {
        String url = start(Map.of());
        ann.open(url).join("lobby", "ann");
        assertTrue(ann.driver().getCurrentUrl().endsWith("/chat/"), "the root leads to the page: " + ann.driver().getCurrentUrl());
        ann.await("ann alone in the members list", d -> ann.members().equals(List.of("ann (you)")));
        bob.open(url).join("lobby", "bob");
        ann.await("bob in ann's members list", d -> ann.members().equals(List.of("ann (you)", "bob")));
        bob.await("both in bob's members list", d -> bob.members().equals(List.of("ann", "bob (you)")));
        assertTrue(ann.systemLines().stream().anyMatch(line -> line.endsWith("bob joined.")), ann.systemLines().toString());

        List<String> conversation = List.of(
                "ann: Hi Bob! The nightly build is green.",
                "bob: Great. I'll tag the release after lunch.",
                "ann: Release notes are in the wiki, section 4.",
                "bob: Thanks, Ann. Shipping it at 14:00.");
        for (int said = 1; said <= conversation.size(); said++) {
            String line = conversation.get(said - 1);
            (line.startsWith("ann: ") ? ann : bob).say(line.substring(line.indexOf(": ") + 2));
            // Each reply comes after its line has reached both windows, as in a real conversation; otherwise two
            // lines typed at once would be ordered by the server, not by this list.
            List<String> soFar = conversation.subList(0, said);
            for (ChatPage page : List.of(ann, bob)) {
                page.await("the conversation so far: " + soFar, d -> page.messages().equals(soFar));
            }
        }
        for (ChatPage page : List.of(ann, bob)) {
            List<WebElement> times = page.driver().findElements(By.cssSelector("#messages li.msg time"));
            assertEquals(conversation.size(), times.size());
            for (WebElement time : times) {
                assertTrue(time.getText().matches("\\d{1,2}:\\d{2}:\\d{2}.*"), "message time: " + time.getText());
                assertNotNull(time.getDomAttribute("datetime"));
            }
            assertEquals(List.of("1", "2", "3", "4"), offsets(page));
        }
        assertEquals("Connected as ann", ann.statusText());
        screenshot(ann, "conversation.png");
        Files.createDirectories(README_SCREENSHOT.getParent());
        Files.copy(SCREENSHOTS.resolve("conversation.png"), README_SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);

        bob.leave();
        ann.await("bob gone from the members list", d -> ann.members().equals(List.of("ann (you)")));
        ann.await("bob's leave line", d -> ann.systemLines().stream().anyMatch(line -> line.endsWith("bob left.")));
        assertEquals("idle", bob.state());
    }

    /** Issue 13, item 5: two members named ann are told apart by their numbers, in the list and on their lines. */
    @Test
    void twoMembersWithOneNameAreShownApart() throws Exception {
        String url = start(Map.of());
        ann.open(url).join("lobby", "ann");
        ann.await("ann alone", d -> ann.members().equals(List.of("ann (you)")));
        try (HeraldClient impostor = HeraldClient.connect(URI.create(server.uri()).resolve("rooms/lobby?name=ann"))) {
            String id = Frames.expect(impostor, "welcome").getJsonObject("you").getString("id");
            String number = id.substring(id.lastIndexOf('-') + 1);
            ann.await("two anns, each with its number", d -> ann.members().size() == 2
                    && ann.members().get(1).equals("ann #" + number)
                    && ann.members().get(0).matches("ann #\\d+ \\(you\\)"));
            impostor.sendText(Frames.publish("it is me, ann"));
            ann.await("the impostor's line carries its number",
                    d -> ann.messages().equals(List.of("ann #" + number + ": it is me, ann")));
        }
        ann.await("one ann again", d -> ann.members().equals(List.of("ann (you)")));
    }

    @Test
    void markupInMessagesAndNamesIsShownAsTextAndNeverRuns() throws IOException {
        String url = start(Map.of());
        String scriptTag = "<script>window.heraldPwned = 'script'</script>";
        String imageTag = "<img src=x onerror=\"window.heraldPwned = 'img'\">";
        ann.open(url).join("markup", "<i>eve</i>");
        bob.open(url).join("markup", "bob");
        ann.say(scriptTag);
        ann.say(imageTag);
        List<String> expected = List.of("<i>eve</i>: " + scriptTag, "<i>eve</i>: " + imageTag);
        for (ChatPage page : List.of(ann, bob)) {
            page.await("the markup shown as text", d -> page.messages().equals(expected));
            assertEquals(0L, page.script("return document.querySelectorAll('#messages script, #messages img, #messages i,"
                    + " #members i').length"), "markup became elements");
            assertEquals(Boolean.TRUE, page.script("return window.heraldPwned === undefined"), "a message's script ran");
        }
        bob.await("eve's name as text", d -> bob.members().equals(List.of("<i>eve</i>", "bob (you)")));
    }

    /**
     * Protocol section 6 in the browser: the page's link is cut without a close frame (through a TCP proxy that
     * serves both the page and its WebSocket), another member publishes while the page cannot get back in, and
     * the page then reconnects by itself, resumes from the last message it showed, and shows each missed message
     * once, in order, followed by live traffic.
     */
    @Test
    void afterADroppedLinkThePageResumesAndShowsEachMissedMessageOnceInOrder() throws Exception {
        // The page comes through a proxy on another port of this machine, whose port is known only later: same-host.
        start(Map.of(Setting.ALLOWED_ORIGINS, "same-host"));
        try (TcpProxy proxy = TcpProxy.to(server.port());
                HeraldClient carol = HeraldClient.connect(StandaloneFixture.base(server).resolve("rooms/resume?name=carol"))) {
            Frames.expect(carol, "welcome");
            ann.open(page(proxy.port())).join("resume", "ann");
            assertTrue(ann.driver().getCurrentUrl().startsWith(page(proxy.port())), "the page is not behind the proxy: "
                    + ann.driver().getCurrentUrl());
            ann.await("carol in ann's members list", d -> ann.members().equals(List.of("carol", "ann (you)")));
            publish(carol, "before the cut", "c1");
            ann.await("the message before the cut", d -> ann.messages().equals(List.of("carol: before the cut")));

            // The link drops and the server stays out of reach: every retry is reset until the proxy lets it through.
            proxy.refuseNew(true);
            proxy.cutAll();
            ann.await("the page noticing the dropped link", d -> ann.systemLines().stream().anyMatch(line -> line.endsWith(
                    "Connection lost: the connection dropped or the server could not be reached (1006).")));
            List<String> missed = List.of("missed one", "missed <two>", "missed three");
            for (int i = 0; i < missed.size(); i++) {
                publish(carol, missed.get(i), "m" + i);
            }
            assertEquals(List.of("carol: before the cut"), ann.messages(), "a message reached the page while it was cut off");
            assertFalse(ann.driver().findElement(By.id("text")).isEnabled(), "typing while disconnected");
            int acceptedBefore = proxy.accepted();
            proxy.refuseNew(false);

            awaitReconnected(ann);
            assertTrue(proxy.accepted() > acceptedBefore, "the page did not reconnect through the proxy");
            ann.await("the recovery note", d -> ann.systemLines().stream().anyMatch(line -> line.endsWith(
                    "Back: 3 missed messages recovered.")));
            publish(carol, "live after the resume", "c2");
            ann.say("ann is back");
            List<String> expected = List.of("carol: before the cut", "carol: missed one", "carol: missed <two>",
                    "carol: missed three", "carol: live after the resume", "ann: ann is back");
            ann.await("each message once, in order", d -> ann.messages().size() >= expected.size());
            assertEquals(expected, ann.messages());
            assertEquals(List.of("1", "2", "3", "4", "5", "6"), offsets(ann));
            assertFalse(ann.systemLines().stream().anyMatch(line -> line.contains("could not be recovered")),
                    ann.systemLines().toString());
            assertEquals("Connected as ann", ann.statusText());
            screenshot(ann, "resumed.png");
        }
    }

    /**
     * The silence rule of protocol section 6 in the browser: the link stops carrying bytes but no side closes it.
     * With a 1 s heartbeat the page gives the connection up after 11 s without a frame (its own pings get no pong),
     * reconnects, and recovers what was published meanwhile.
     */
    @Test
    void aSilentLinkIsGivenUpAfterHeartbeatPlusTenSecondsAndThePageResumes() throws Exception {
        start(Map.of(Setting.PING_SECONDS, "1", Setting.ALLOWED_ORIGINS, "same-host")); // through a proxy, as above
        try (TcpProxy proxy = TcpProxy.to(server.port());
                HeraldClient carol = HeraldClient.connect(StandaloneFixture.base(server).resolve("rooms/silent?name=carol"))) {
            Frames.expect(carol, "welcome");
            ann.open(page(proxy.port())).join("silent", "ann");
            ann.await("carol in ann's members list", d -> ann.members().contains("carol"));
            publish(carol, "before the silence", "c1");
            ann.await("the message before the silence", d -> ann.messages().equals(List.of("carol: before the silence")));

            proxy.stallAll();
            long stalledAt = System.nanoTime();
            publish(carol, "said into the silence", "c2");
            ann.await("the page giving the silent link up", Duration.ofSeconds(40), d -> ann.systemLines().stream()
                    .anyMatch(line -> line.endsWith("Connection lost: no sign of life from the server for 11 s (1006).")));
            Duration silent = Duration.ofNanos(System.nanoTime() - stalledAt);
            assertTrue(silent.compareTo(Duration.ofSeconds(10)) >= 0, "gave up after only " + silent);

            awaitReconnected(ann);
            ann.await("the recovery note", d -> ann.systemLines().stream().anyMatch(line -> line.endsWith(
                    "Back: 1 missed message recovered.")));
            publish(carol, "live again", "c3");
            List<String> expected = List.of("carol: before the silence", "carol: said into the silence", "carol: live again");
            ann.await("each message once, in order", d -> ann.messages().size() >= expected.size());
            assertEquals(expected, ann.messages());
            assertEquals(List.of("1", "2", "3"), offsets(ann));
        }
    }

    /**
     * Waits for the page to be connected again. The backoff's full jitter may put the next retry up to 16 s away
     * after a few refused ones, so this waits longer than a page action does.
     */
    private static void awaitReconnected(ChatPage page) {
        page.await("the page to reconnect", RECONNECT_WAIT, d -> "open".equals(page.state()));
    }

    /** Publishes {@code text} as {@code client} and waits for its ack, skipping the frames around it. */
    private static void publish(HeraldClient client, String text, String ref)
            throws IOException, InterruptedException, TimeoutException {
        client.sendText(Frames.publish(text, ref));
        for (int frames = 0; frames < 100; frames++) {
            JsonObject frame = Frames.next(client);
            if ("ack".equals(frame.getString("type", null)) && ref.equals(frame.getString("ref", null))) {
                return;
            }
            if ("error".equals(frame.getString("type", null))) {
                throw new AssertionError("publishing " + text + ": " + frame);
            }
        }
        throw new AssertionError("no ack for " + ref + " within 100 frames");
    }

    private static List<String> offsets(ChatPage page) {
        return page.driver().findElements(By.cssSelector("#messages li.msg")).stream()
                .map(li -> li.getDomAttribute("data-offset")).toList();
    }

    @Test
    void thePageReconnectsAfterTheServerRestartsOnTheSamePort() throws IOException {
        String url = start(Map.of());
        int port = server.port();
        ann.open(url).join("restart", "ann");
        bob.open(url).join("restart", "bob");
        ann.await("both members", d -> ann.members().size() == 2);

        // The server drains: each page hears 1012 and hangs up, and close() returns once both have.
        server.close();
        server = null;
        for (ChatPage page : List.of(ann, bob)) {
            page.awaitState("reconnecting");
            assertTrue(page.statusText().contains("Reconnecting in"), page.statusText());
            assertFalse(page.driver().findElement(By.id("text")).isEnabled(), "typing while disconnected");
            assertTrue(page.systemLines().stream().anyMatch(line -> line.contains("Connection lost: the server is restarting (1012)")),
                    page.systemLines().toString());
        }

        server = StandaloneFixture.start(Map.of(Setting.PORT, Integer.toString(port)));
        for (ChatPage page : List.of(ann, bob)) {
            awaitReconnected(page);
            page.await("the reconnect line", d -> page.systemLines().stream().anyMatch(line -> line.endsWith("Reconnected to restart.")));
            // The restarted server has a new epoch: the page says quietly that messages may be missing.
            page.await("the history note", d -> page.systemLines().stream().anyMatch(line -> line.endsWith(
                    "History could not be recovered: some messages may be missing.")));
        }
        ann.await("both members again", d -> ann.members().equals(List.of("ann (you)", "bob"))
                || ann.members().equals(List.of("bob", "ann (you)")));
        ann.say("back after the restart");
        bob.await("the message after the restart", d -> bob.messages().contains("ann: back after the restart"));
    }

    @Test
    void aSignInTokenGivesTheNameAndAMissingOneIsRefusedInWords(@TempDir Path dir) throws Exception {
        String secret = "a-browser-test-secret-of-at-least-32-bytes";
        Path secretFile = Files.writeString(dir.resolve("jwt-secret"), secret);
        String url = start(Map.of(Setting.AUTH, "jwt", Setting.JWT_SECRET_FILE, secretFile.toString()));
        ann.open(url);
        ann.submitJoin("signed", "ann", null);
        ann.await("the refusal in words", d -> ann.joinError().equals(
                "The server closed the connection: not authorized (1008)."));
        assertEquals("idle", ann.state());

        String token = Tokens.sign(Tokens.valid("alice"), JWSAlgorithm.HS256, new MACSigner(secret));
        ann.submitJoin("signed", "", token);
        ann.awaitState("open");
        assertEquals("Connected as alice", ann.statusText());
        ann.await("alice in the members list", d -> ann.members().equals(List.of("alice (you)")));
        assertFalse(ann.driver().getCurrentUrl().contains(token), "the token is in the page's URL");
    }

    @Test
    void errorsAreShownInWords() throws IOException {
        String url = start(Map.of(Setting.RATE_PER_SECOND, "1", Setting.RATE_BURST, "1"));
        ann.open(url);
        ann.submitJoin("no spaces allowed", "ann");
        ann.await("the room name error", d -> ann.joinError().contains("The room name must be 1 to 64 letters"));
        assertEquals("idle", ann.state());

        ann.join("words", "ann");
        ann.say("one");
        ann.say("two");
        ann.await("the rate limit in words", d -> ann.error().equals(
                "Not sent: you are sending too fast. Wait a moment, then send again."));
        // The refused text is handed back, so the user can send it again.
        assertEquals("two", ann.inputText());
    }

    @Test
    void thePageFitsAPhoneScreenWithLabelsFocusAndContrast() throws IOException {
        String url = start(Map.of());
        WebDriver phone = bob.driver();
        Dimension desktop = phone.manage().window().getSize();
        try {
            phone.manage().window().setSize(new Dimension(390, 844));
            bob.open(url);
            for (String field : List.of("room", "name", "text")) {
                assertEquals(1L, bob.script("return document.querySelectorAll('label[for=\"" + field + "\"]').length"),
                        "no label for #" + field);
            }
            assertEquals("room", bob.script("return document.activeElement.id"), "the room field has the focus");
            bob.join("phone", "bob");
            bob.say("typed on a phone");
            bob.await("the message", d -> bob.messages().equals(List.of("bob: typed on a phone")));
            assertEquals("text", bob.script("return document.activeElement.id"), "the message field keeps the focus");
            assertEquals(Boolean.TRUE, bob.script("return document.documentElement.scrollWidth <= window.innerWidth"),
                    "the page scrolls sideways at phone width");
            WebElement send = phone.findElement(By.id("send"));
            assertTrue(send.isDisplayed() && send.getRect().getX() + send.getRect().getWidth() <= 390, "Send is off screen");
            assertEquals(List.of(), bob.script(CONTRAST_BELOW_4_5), "text with too little contrast");
            screenshot(bob, "phone.png");
        } finally {
            phone.manage().window().setSize(desktop);
        }
    }

    /**
     * WCAG contrast of every visible text element against the first opaque background behind it; returns
     * those below 4.5:1 as {@code "selector ratio"}.
     */
    private static final String CONTRAST_BELOW_4_5 = """
            const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
            const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
            const background = (el) => {
              for (; el; el = el.parentElement) {
                const c = rgb(getComputedStyle(el).backgroundColor);
                if (c.length === 3 || c[3] > 0) return c;
              }
              return [255, 255, 255];
            };
            const low = [];
            for (const el of document.querySelectorAll('body *')) {
              const style = getComputedStyle(el);
              const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
              if (!ownText || el.offsetParent === null || style.visibility === 'hidden') continue;
              const [a, b] = [lum(rgb(style.color)), lum(background(el))];
              const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
              if (ratio < 4.5) low.push((el.id || el.tagName + '.' + el.className) + ' ' + ratio.toFixed(2));
            }
            return low;
            """;

    private static void screenshot(ChatPage page, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) page.driver()).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
