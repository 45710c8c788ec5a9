package io.jnsq.admin;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * nsqadmin in a real browser (Debian's headless Chromium, driven through its chromedriver): each page loads (its frame
 * first, then htmx fills it in), a channel is paused and a topic emptied through the confirmation pages, a topic is
 * created from Lookup, and the brokers' /stats show it; a consumer is identified on its channel's page, messages are
 * peeked at without being taken, an inactive topic is deleted inline from Lookup, the Nodes page fills in and flags a
 * node that does not answer. Screenshots of every page are kept
 * in target/screenshots for people to look at.
 */
class AdminBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    @TempDir
    static Path tmp;

    static RealProcesses bin;
    static Server lookupd;
    static Server nsqd;
    static String base;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertThat(installed).as("CI installs chromium and chromium-driver (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(installed, "needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
        bin = new RealProcesses(tmp);
        lookupd = bin.lookupd();
        nsqd = bin.nsqdWith(lookupd);
        int admin = freePort();
        bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + admin, "--lookupd-http-address=" + lookupd.httpAddress());
        await(() -> get(admin, "/ping").equals("OK"), "nsqadmin answers /ping");
        base = "http://127.0.0.1:" + admin;
        http("POST", nsqd.http(), "/topic/create?topic=web", null);
        http("POST", nsqd.http(), "/channel/create?topic=web&channel=clicks", null);
        http("POST", nsqd.http(), "/mpub?topic=web", "a\nb\nc");
        http("POST", nsqd.http(), "/mpub?topic=held", "kept\nfor\nlater"); // no channel: the topic holds them
        await(() -> get(lookupd.http(), "/lookup?topic=web").contains("clicks"), "lookupd knows web/clicks");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (bin != null) {
            bin.close();
        }
    }

    /** Opens a page and waits for htmx to fill in its live part (pages send their frame first). */
    private static void open(String path, String screenshot) throws Exception {
        browser.get(base + path);
        filledIn();
        Files.write(SCREENSHOTS.resolve(screenshot + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static void filledIn() {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".loading"), 0));
    }

    /** The result line shown after an action (waiting for the page the form led to). */
    private static String result() {
        return new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".result"))).getText();
    }

    private static String h1() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    @Test
    void everyPageLoads() throws Exception {
        open("/", "streams");
        assertThat(h1()).isEqualTo("Streams");
        browser.findElement(By.linkText("web")).click();
        filledIn();
        assertThat(h1()).isEqualTo("Topic web");
        open("/topics/web", "topic");
        browser.findElement(By.linkText("clicks")).click();
        filledIn();
        assertThat(h1()).isEqualTo("Channel clicks");
        open("/topics/web/clicks", "channel");
        open("/nodes", "nodes");
        assertThat(h1()).isEqualTo("NSQd Nodes (1)");
        open("/nodes/127.0.0.1:" + nsqd.http(), "node");
        assertThat(browser.getPageSource()).contains("clicks");
        open("/counter", "counter");
        assertThat(browser.findElement(By.id("counter")).getText()).isEqualTo("3");
        open("/lookup", "lookup");
        assertThat(h1()).isEqualTo("Lookup");
    }

    @Test
    void pausingAChannelEmptyingATopicAndCreatingATopicChangeTheCluster() throws Exception {
        open("/topics/web/clicks", "channel-before-pause");
        browser.findElement(By.linkText("Pause channel")).click();
        filledIn();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.tagName("h1"), "Are you sure?"));
        browser.findElement(By.cssSelector("form.confirm button[type=submit]")).click();
        assertThat(result()).isEqualTo("Paused channel web/clicks");
        Files.write(SCREENSHOTS.resolve("channel-paused.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(get(nsqd.http(), "/stats?format=json&topic=web&channel=clicks")).contains("\"paused\":true");

        assertThat(get(nsqd.http(), "/stats?format=json&topic=held")).contains("\"depth\":3");
        await(() -> get(lookupd.http(), "/lookup?topic=held").contains("producers"), "lookupd knows held");
        open("/topics/held", "topic-before-empty");
        browser.findElement(By.linkText("Empty queue")).click();
        filledIn();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.tagName("h1"), "Are you sure?"));
        browser.findElement(By.cssSelector("form.confirm button[type=submit]")).click();
        assertThat(result()).isEqualTo("Emptied topic held");
        assertThat(get(nsqd.http(), "/stats?format=json&topic=held")).contains("\"depth\":0");

        open("/lookup", "lookup-before-create");
        browser.findElement(By.id("topic")).sendKeys("from_browser");
        browser.findElement(By.id("channel")).sendKeys("made");
        browser.findElement(By.cssSelector("form.create button[type=submit]")).click();
        assertThat(result()).isEqualTo("Created topic from_browser and channel made");
        Files.write(SCREENSHOTS.resolve("lookup-created.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(get(lookupd.http(), "/topics")).contains("from_browser");
        assertThat(get(lookupd.http(), "/channels?topic=from_browser")).isEqualTo("{\"channels\":[\"made\"]}");
    }

    @Test
    void aConsumerIsIdentifiedAndItsChannelsMessagesArePeekedAtWithoutBeingTaken() throws Exception {
        http("POST", nsqd.http(), "/topic/create?topic=mail", null);
        http("POST", nsqd.http(), "/channel/create?topic=mail&channel=send", null);
        http("POST", nsqd.http(), "/mpub?topic=mail", "hello alice\nhello bob");
        await(() -> get(lookupd.http(), "/lookup?topic=mail").contains("send"), "lookupd knows mail/send");
        try (java.net.Socket consumer = new java.net.Socket("127.0.0.1", nsqd.tcp())) {
            var out = new java.io.DataOutputStream(consumer.getOutputStream());
            byte[] identify = "{\"client_id\":\"sender-1\",\"hostname\":\"sender.example\",\"user_agent\":\"sender/1.0\"}".getBytes();
            out.write("  V2IDENTIFY\n".getBytes());
            out.writeInt(identify.length);
            out.write(identify);
            out.write("SUB mail send\n".getBytes());
            out.flush();
            await(() -> get(nsqd.http(), "/stats?format=json&topic=mail&channel=send").contains("sender-1"), "the consumer is subscribed");

            open("/topics/mail/send", "channel-with-consumer");
            String consumers = browser.findElement(By.cssSelector("table.consumers")).getText();
            assertThat(consumers).contains("sender-1", "sender.example", "sender/1.0", "127.0.0.1:" + consumer.getLocalPort());

            browser.findElement(By.linkText("Peek at messages")).click();
            filledIn();
            Files.write(SCREENSHOTS.resolve("peek.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            assertThat(browser.findElement(By.cssSelector("table.peek")).getText()).contains("hello alice", "hello bob");
            assertThat(get(nsqd.http(), "/stats?format=json&topic=mail&channel=send")).contains("\"depth\":2", "\"in_flight_count\":0");
        }
    }

    @Test
    void theNodesPageSendsItsFrameFirstThenFillsInAndFlagsANodeThatDoesNotAnswer() throws Exception {
        var frame = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/nodes"))
                .header("Accept", "text/html").build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(frame).contains("Loading…", "<span id=\"node-count\"></span>").doesNotContain("<table");

        Server silent = bin.nsqdWith(lookupd);
        await(() -> get(lookupd.http(), "/nodes").contains("\"http_port\":" + silent.http()), "lookupd knows the second nsqd");
        long pid = silent.process().pid();
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
        try {
            open("/nodes", "nodes-one-not-answering");
            assertThat(h1()).isEqualTo("NSQd Nodes (2)");
            assertThat(row(silent)).contains("not answering");
            assertThat(row(nsqd)).doesNotContain("not answering");
            assertThat(browser.findElement(By.cssSelector(".warning")).getText()).contains("127.0.0.1:" + silent.http());
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
            silent.process().destroy();
            silent.process().waitFor();
        }
        await(() -> !get(lookupd.http(), "/nodes").contains("\"http_port\":" + silent.http()), "the second nsqd left lookupd");
    }

    /** The Nodes page's row of {@code s}. */
    private static String row(Server s) {
        return browser.findElement(By.xpath("//tbody/tr[td/a[@href='/nodes/127.0.0.1:" + s.http() + "']]")).getText();
    }

    @Test
    void anInactiveTopicIsDeletedInlineFromLookup() throws Exception {
        http("POST", lookupd.http(), "/topic/create?topic=abandoned", null);
        open("/lookup", "lookup-inactive");
        browser.findElement(By.cssSelector("form.delete input[value='abandoned'] ~ button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).accept(); // the form's confirm()
        assertThat(result()).startsWith("Deleted topic abandoned");
        Files.write(SCREENSHOTS.resolve("lookup-deleted.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(get(lookupd.http(), "/topics")).doesNotContain("abandoned");
    }
}
