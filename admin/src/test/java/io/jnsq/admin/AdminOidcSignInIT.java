package io.jnsq.admin;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * bin/nsqadmin signing users in with OpenID Connect against an identity provider started by the test
 * ({@link TestOidcProvider}: discovery, keys, a login form, codes, signed tokens with a groups claim), beside a users
 * file: in headless Chromium (to the provider and back, the identity on the page, an admin pauses a channel, a
 * viewer sees no actions, sign-out), and over HTTP (no session: nothing; a viewer's action 403; cross-site actions
 * refused with an OIDC session; actions notified with the OIDC user). Two more nsqadmins show the failures a user
 * meets: a wrong client secret and an issuer that cannot be reached give a page saying so, and a provider that
 * comes up after nsqadmin is found at the next sign-in.
 * The browser reaches nsqadmin as localhost and the provider as 127.0.0.1: two sites, as in real life, so the
 * SameSite=Strict session cookie meets the cross-site redirect back from the provider.
 */
class AdminOidcSignInIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final String SECRET = "a-long-client-secret-for-nsqadmin-0123456789";

    @TempDir
    static Path tmp;
    static RealProcesses bin;
    static TestOidcProvider provider;
    static Server nsqd;
    static int admin;
    static int wrongSecretAdmin;
    static int noProviderAdmin;
    static String deadIssuer;
    static int lateProviderPort;
    static HttpServer notifications;
    static final List<JsonNode> notified = new CopyOnWriteArrayList<>();
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        bin = new RealProcesses(tmp);
        admin = freePort();
        wrongSecretAdmin = freePort();
        noProviderAdmin = freePort();
        provider = new TestOidcProvider("nsqadmin", SECRET,
                Set.of("http://localhost:" + admin + "/login/oidc", "http://127.0.0.1:" + admin + "/login/oidc",
                        "http://127.0.0.1:" + wrongSecretAdmin + "/admin/login/oidc"),
                Map.of("alice", new TestOidcProvider.Account("alice-password", "alice@example.com", List.of("staff", "nsq-admins")),
                        "bob", new TestOidcProvider.Account("bob-password", "bob@example.com", List.of("staff")),
                        "erin", new TestOidcProvider.Account("erin-password", "erin@example.com", List.of("nsq-admins"), true)));
        lateProviderPort = freePort();
        deadIssuer = "http://127.0.0.1:" + lateProviderPort;

        nsqd = bin.nsqd();
        http("POST", nsqd.http(), "/topic/create?topic=web", null);
        http("POST", nsqd.http(), "/channel/create?topic=web&channel=clicks", null);
        http("POST", nsqd.http(), "/channel/create?topic=web&channel=views", null);

        notifications = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        notifications.createContext("/", ex -> {
            notified.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        notifications.start();
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Path users = Files.writeString(tmp.resolve("users"),
                "carol:" + OpenBSDBCrypt.generate("2y", "carol-password".toCharArray(), salt, 5) + ":admin\n");
        Path secretFile = Files.writeString(tmp.resolve("client-secret"), SECRET + "\n");
        String nsqdFlag = "--nsqd-http-address=127.0.0.1:" + nsqd.http();
        RealProcesses.Run adminRun = bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + admin, nsqdFlag, "--users-file=" + users,
                "--oidc-issuer=" + provider.issuer(), "--oidc-client-id=nsqadmin", "--oidc-client-secret-file=" + secretFile,
                "--oidc-scope=groups", "--oidc-admin-group=nsq-admins",
                "--notification-http-endpoint=http://127.0.0.1:" + notifications.getAddress().getPort() + "/n");
        RealProcesses.Run wrongSecretRun = bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + wrongSecretAdmin, nsqdFlag, "--base-path=/admin",
                "--oidc-issuer=" + provider.issuer(), "--oidc-client-id=nsqadmin", "--oidc-client-secret=not-the-secret",
                "--oidc-admin-group=nsq-admins");
        RealProcesses.Run noProviderRun = bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + noProviderAdmin, nsqdFlag,
                "--oidc-issuer=" + deadIssuer, "--oidc-client-id=nsqadmin", "--oidc-client-secret=whatever");
        RealProcesses.awaitPing(adminRun, admin, "/ping", "nsqadmin");
        RealProcesses.awaitPing(wrongSecretRun, wrongSecretAdmin, "/admin/ping", "nsqadmin with a wrong secret");
        RealProcesses.awaitPing(noProviderRun, noProviderAdmin, "/ping", "nsqadmin without its provider");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (notifications != null) {
            notifications.stop(0);
        }
        if (provider != null) {
            provider.close();
        }
        if (bin != null) {
            bin.close();
        }
    }

    // --- over HTTP, as a script or a browser would send it ---

    /** A browser-like client with its own cookies; redirects are followed by {@link #follow}. */
    private static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static HttpResponse<String> send(HttpClient c, String method, String url, String body, String... headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Follows redirects (as GETs) from this response, as a browser does; the last answer. */
    private static HttpResponse<String> follow(HttpClient c, HttpResponse<String> r) throws Exception {
        for (int hops = 0; hops < 10 && (r.statusCode() == 302 || r.statusCode() == 303); hops++) {
            URI next = r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
            r = send(c, "GET", next.toString(), null);
        }
        return r;
    }

    /** Starts the code flow at nsqadmin on {@code port}, signs in at the provider's form (or cancels): the last page. */
    private static HttpResponse<String> oidcSignIn(HttpClient c, int port, String user, String password) throws Exception {
        return oidcSignIn(c, "http://127.0.0.1:" + port, user, password);
    }

    private static HttpResponse<String> oidcSignIn(HttpClient c, String nsqadmin, String user, String password) throws Exception {
        HttpResponse<String> form = follow(c, send(c, "GET", nsqadmin + "/login/oidc", null));
        assertThat(form.uri().toString()).startsWith(provider.issuer() + "/authorize?");
        assertThat(form.body()).contains("Sign in to the test identity provider");
        String answer = form.uri().getRawQuery() + (user == null ? "&cancel=1" : "&username=" + user + "&password=" + password);
        return follow(c, send(c, "POST", provider.issuer() + "/authorize", answer,
                "Content-Type", "application/x-www-form-urlencoded"));
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + admin + path;
    }

    @Test
    void withoutASessionNothingIsShownAndNothingIsDone() throws Exception {
        HttpClient c = client();
        HttpResponse<String> page = send(c, "GET", url("/topics/web"), null);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
        assertThat(send(c, "GET", url("/api/topics"), null).statusCode()).isEqualTo(401);
        HttpResponse<String> pause = send(c, "POST", url("/api/topics/web/clicks"), "{\"action\":\"pause\"}",
                "X-Forwarded-User", "alice");
        assertThat(pause.statusCode()).isEqualTo(401);
        assertThat(pause.body()).isEqualTo("{\"message\":\"UNAUTHORIZED\"}");
        assertThat(get(nsqd.http(), "/stats?format=json&topic=web&channel=clicks")).contains("\"paused\":false");

        HttpResponse<String> signIn = send(c, "GET", url("/login"), null);
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.body()).contains("<a class=\"button oidc\" href=\"/login/oidc\">Sign in with OpenID Connect</a>",
                "<form method=\"post\" action=\"/login\">");
        HttpResponse<String> toProvider = send(c, "GET", url("/login/oidc"), null);
        assertThat(toProvider.statusCode()).isEqualTo(302);
        URI authorize = URI.create(toProvider.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(provider.issuer() + "/authorize?");
        assertThat(authorize.getQuery()).contains("response_type=code", "client_id=nsqadmin",
                "redirect_uri=" + url("/login/oidc"), "code_challenge_method=S256", "code_challenge=", "nonce=")
                .containsPattern("scope=openid[^&]*groups");
    }

    @Test
    void aViewerSignedInWithOidcMayLookButNotAct() throws Exception {
        HttpClient bob = client();
        HttpResponse<String> in = oidcSignIn(bob, admin, "bob", "bob-password");
        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(in.body()).contains("Signed in as <strong class=\"user\">bob</strong> (viewer)");
        HttpResponse<String> topics = send(bob, "GET", url("/api/topics"), null);
        assertThat(topics.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(topics.body()).path("topics").toString()).contains("web");

        HttpResponse<String> pause = send(bob, "POST", url("/api/topics/web/views"), "{\"action\":\"pause\"}");
        assertThat(pause.statusCode()).isEqualTo(403);
        assertThat(pause.body()).isEqualTo("{\"message\":\"FORBIDDEN\"}");
        assertThat(get(nsqd.http(), "/stats?format=json&topic=web&channel=views")).contains("\"paused\":false");
        assertThat(send(bob, "GET", url("/topics/web/views?full=1"), null).body())
                .contains("<span class=\"user\" title=\"viewer\">bob</span>").doesNotContain("Pause channel");
    }

    @Test
    void anAdminSignedInWithOidcActsAsItselfButNeverCrossSite() throws Exception {
        HttpClient alice = client();
        HttpResponse<String> in = oidcSignIn(alice, admin, "alice", "alice-password");
        assertThat(in.body()).contains("Signed in as <strong class=\"user\">alice</strong> (admin)");
        assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith(SignIn.SESSION_COOKIE + "=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict"));
        // the provider's tokens are not kept: nsqadmin's session is the only one
        assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("q_session=").contains("Max-Age=0"));

        HttpResponse<String> forged = send(alice, "POST", url("/api/topics"), "{\"topic\":\"forged\"}",
                "Origin", "http://evil.example");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).isEqualTo("{\"message\":\"CSRF_REFUSED\"}");
        assertThat(send(alice, "POST", url("/api/topics"), "{\"topic\":\"forged\"}", "Sec-Fetch-Site", "cross-site")
                .statusCode()).isEqualTo(403);

        HttpResponse<String> create = send(alice, "POST", url("/api/topics"), "{\"topic\":\"by_alice\"}",
                "Origin", url(""), "X-Forwarded-User", "someone-else");
        assertThat(create.statusCode()).isEqualTo(200);
        await(() -> notified.stream().anyMatch(n -> n.path("topic").asText().equals("by_alice")), "the notification");
        JsonNode n = notified.stream().filter(x -> x.path("topic").asText().equals("by_alice")).findFirst().orElseThrow();
        assertThat(n.path("action").asText()).isEqualTo("create_topic");
        assertThat(n.path("user").asText()).isEqualTo("alice");
        assertThat(get(nsqd.http(), "/stats?format=json")).contains("by_alice").doesNotContain("forged");

        assertThat(send(alice, "POST", url("/logout"), null, "Origin", url("")).statusCode()).isEqualTo(303);
        assertThat(send(alice, "GET", url("/api/topics"), null).statusCode()).isEqualTo(401);
    }

    @Test
    void groupsOnlyInTheAccessTokenCountAsKeycloaksRealmRolesDo() throws Exception {
        HttpClient erin = client();
        assertThat(oidcSignIn(erin, admin, "erin", "erin-password").body())
                .contains("Signed in as <strong class=\"user\">erin</strong> (admin)");
        assertThat(send(erin, "POST", url("/api/topics"), "{\"topic\":\"by_erin\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void theUsersFileSignsInBesideOidc() throws Exception {
        HttpClient carol = client();
        HttpResponse<String> in = send(carol, "POST", url("/login"), "user=carol&password=carol-password",
                "Content-Type", "application/x-www-form-urlencoded", "Origin", url(""));
        assertThat(in.statusCode()).isEqualTo(303);
        HttpResponse<String> create = send(carol, "POST", url("/api/topics"), "{\"topic\":\"by_carol\"}");
        assertThat(create.statusCode()).isEqualTo(200);
        await(() -> notified.stream().anyMatch(n -> n.path("topic").asText().equals("by_carol")
                && n.path("user").asText().equals("carol")), "carol's notification");
    }

    @Test
    void aCancelledSignInIsSaidOnTheSignInPage() throws Exception {
        HttpClient c = client();
        HttpResponse<String> page = oidcSignIn(c, admin, null, null);
        assertThat(page.uri().getPath()).isEqualTo("/login");
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.body()).contains("Sign-in with OpenID Connect failed: the identity provider answered access_denied:"
                + " The user cancelled the sign-in");
        assertThat(send(c, "GET", url("/api/topics"), null).statusCode()).isEqualTo(401);
    }

    @Test
    void aWrongClientSecretIsAClearPageNotAStackTrace() throws Exception {
        HttpClient c = client();
        int refusedBefore = provider.refusedClients.get();
        String base = "http://127.0.0.1:" + wrongSecretAdmin + "/admin"; // under a base path
        HttpResponse<String> page = oidcSignIn(c, base, "alice", "alice-password");
        assertThat(page.uri().toString()).startsWith(base + "/login/oidc?code=");
        assertThat(provider.refusedClients.get()).isGreaterThan(refusedBefore);
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("Sign-in with OpenID Connect failed", "Check --oidc-client-id and the client secret")
                .doesNotContain("\tat ", "Exception");
        assertThat(send(c, "GET", base + "/api/topics", null).statusCode()).isEqualTo(401);
    }

    @Test
    void anIssuerThatCannotBeReachedIsAClearPageUntilItCanBe() throws Exception {
        HttpClient c = client();
        assertThat(get(noProviderAdmin, "/ping")).isEqualTo("OK"); // it started all the same
        HttpResponse<String> page = send(c, "GET", "http://127.0.0.1:" + noProviderAdmin + "/login/oidc", null);
        assertThat(page.statusCode()).isEqualTo(502);
        assertThat(page.body()).contains("Sign-in with OpenID Connect failed: the identity provider at " + deadIssuer
                + " cannot be reached").doesNotContain("\tat ");
        assertThat(send(c, "GET", "http://127.0.0.1:" + noProviderAdmin + "/api/topics", null).statusCode()).isEqualTo(401);

        // the provider comes up late (as Keycloak may, after nsqadmin): the next sign-in finds it
        try (TestOidcProvider late = new TestOidcProvider(lateProviderPort, "nsqadmin", "whatever",
                Set.of("http://127.0.0.1:" + noProviderAdmin + "/login/oidc"),
                Map.of("dave", new TestOidcProvider.Account("dave-password", "dave@example.com", List.of("staff"))))) {
            HttpResponse<String> form = follow(c, send(c, "GET", "http://127.0.0.1:" + noProviderAdmin + "/login/oidc", null));
            assertThat(form.uri().toString()).startsWith(late.issuer() + "/authorize?");
            HttpResponse<String> in = follow(c, send(c, "POST", late.issuer() + "/authorize",
                    form.uri().getRawQuery() + "&username=dave&password=dave-password",
                    "Content-Type", "application/x-www-form-urlencoded"));
            assertThat(in.body()).contains("Signed in as <strong class=\"user\">dave</strong> (viewer)");
            assertThat(send(c, "GET", "http://127.0.0.1:" + noProviderAdmin + "/api/topics", null).statusCode()).isEqualTo(200);
        }
    }

    // --- in a real browser ---

    private static WebDriver browser() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertThat(installed).as("CI installs chromium and chromium-driver (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(installed, "needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
        if (browser == null) {
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
        return browser;
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    /** From a page of nsqadmin to the provider's form and back, signed in: the name nsqadmin's header shows. */
    private static String signInInTheBrowser(String user, String password) throws Exception {
        String base = "http://localhost:" + admin;
        browser().get(base + "/login");
        browser.manage().deleteAllCookies();
        browser.get(base + "/topics/web");
        waiting().until(ExpectedConditions.urlToBe(base + "/login"));
        screenshot("oidc-sign-in-page");
        browser.findElement(By.linkText("Sign in with OpenID Connect")).click();
        waiting().until(ExpectedConditions.urlContains(provider.issuer() + "/authorize"));
        screenshot("oidc-provider-form");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
        String shown = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("header .signout .user")))
                .getText();
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/");
        assertThat(browser.manage().getCookieNamed(SignIn.SESSION_COOKIE)).isNotNull();
        assertThat(browser.manage().getCookieNamed("q_session")).isNull();
        return shown;
    }

    private static void filledIn() {
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".loading"), 0));
    }

    @Test
    void anAdminSignsInAtTheProviderAndPausesAChannelInTheBrowser() throws Exception {
        assertThat(signInInTheBrowser("alice", "alice-password")).isEqualTo("alice");
        filledIn();
        screenshot("oidc-signed-in-admin");
        String base = "http://localhost:" + admin;
        browser.get(base + "/topics/web/clicks");
        filledIn();
        browser.findElement(By.linkText("Pause channel")).click();
        waiting().until(ExpectedConditions.textToBe(By.tagName("h1"), "Are you sure?"));
        browser.findElement(By.cssSelector("form.confirm button[type=submit]")).click();
        assertThat(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".result"))).getText())
                .isEqualTo("Paused channel web/clicks");
        screenshot("oidc-admin-paused");
        assertThat(get(nsqd.http(), "/stats?format=json&topic=web&channel=clicks")).contains("\"paused\":true");
        await(() -> notified.stream().anyMatch(n -> n.path("action").asText().equals("pause_channel")
                && n.path("channel").asText().equals("clicks") && n.path("user").asText().equals("alice")),
                "the pause notified with alice");
        http("POST", nsqd.http(), "/channel/unpause?topic=web&channel=clicks", null);

        browser.findElement(By.cssSelector("header .signout button")).click();
        waiting().until(ExpectedConditions.urlToBe(base + "/login"));
        browser.get(base + "/topics/web/clicks");
        waiting().until(ExpectedConditions.urlToBe(base + "/login"));
    }

    @Test
    void aViewerSignedInAtTheProviderSeesNoActionsInTheBrowser() throws Exception {
        assertThat(signInInTheBrowser("bob", "bob-password")).isEqualTo("bob");
        browser.get("http://localhost:" + admin + "/topics/web/clicks");
        filledIn();
        screenshot("oidc-signed-in-viewer");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Channel clicks");
        assertThat(browser.findElements(By.linkText("Pause channel"))).isEmpty();
        assertThat(browser.findElements(By.linkText("Empty channel"))).isEmpty();
        assertThat(browser.findElements(By.linkText("Delete channel"))).isEmpty();
        // what a viewer's browser sends anyway, with its session and from nsqadmin's own page, is refused
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/topics/web/clicks', {method: 'POST', body: '{"action":"pause"}'})
                    .then(r => r.text().then(t => done(r.status + ' ' + t)), e => done('failed: ' + e));""");
        assertThat(status).isEqualTo("403 {\"message\":\"FORBIDDEN\"}");
        // and the confirmation page's form, sent by hand, is turned down too
        browser.get("http://localhost:" + admin + "/confirm?action=pause&topic=web&channel=clicks&back=/topics/web/clicks");
        filledIn();
        browser.findElement(By.cssSelector("form.confirm button[type=submit]")).click();
        assertThat(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".result"))).getText())
                .isEqualTo("FORBIDDEN: only admin users may pause");
        assertThat(get(nsqd.http(), "/stats?format=json&topic=web&channel=clicks")).contains("\"paused\":false");
    }
}
