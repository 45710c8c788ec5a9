package io.jnsq.admin;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.TestCertificates;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/nsqadmin with --users-file in front of an nsqd that serves only HTTPS (--tls-required=true): sign-in, the
 * viewer and admin roles, the ACL header no longer trusted, cross-site actions refused, actions audited with the
 * signed-in user, and the cluster reached over HTTPS with --http-client-tls-root-ca-file.
 */
class AdminSignInIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static RealProcesses bin;
    static int admin;
    static int nsqdHttps;
    static HttpServer notifications;
    static final List<JsonNode> notified = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        bin = new RealProcesses(tmp);
        TestCertificates certs = TestCertificates.generate(tmp.resolve("certs"));
        int nsqdHttp = freePort();
        nsqdHttps = freePort();
        bin.run(null, "nsqd", "--tcp-address=127.0.0.1:" + freePort(), "--http-address=127.0.0.1:" + nsqdHttp,
                "--https-address=127.0.0.1:" + nsqdHttps, "--data-path=" + Files.createTempDirectory(tmp, "data"),
                "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey, "--tls-required=true");
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(certs.ca)).build();
        await(() -> {
            try {
                return trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + nsqdHttps + "/ping")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().equals("OK");
            } catch (Exception e) {
                return false;
            }
        }, "nsqd answers /ping over HTTPS");
        trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + nsqdHttps + "/topic/create?topic=orders"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        notifications = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        notifications.createContext("/", ex -> {
            notified.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        notifications.start();
        Path users = Files.writeString(tmp.resolve("users"), "# nsqadmin users\n"
                + "alice:" + hash("alice-password") + ":admin\n"
                + "bob:" + hash("bob-password") + ":viewer\n");
        admin = freePort();
        bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + admin, "--nsqd-http-address=127.0.0.1:" + nsqdHttp,
                "--users-file=" + users, "--http-client-tls-root-ca-file=" + certs.ca,
                "--notification-http-endpoint=http://127.0.0.1:" + notifications.getAddress().getPort() + "/n");
        await(() -> get(admin, "/ping").equals("OK"), "nsqadmin answers /ping");
    }

    @AfterAll
    static void stop() {
        notifications.stop(0);
        bin.close();
    }

    private static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5);
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, f.getTrustManagers(), null);
        return ctx;
    }

    /** A browser-like client with its own cookies. */
    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static HttpResponse<String> send(HttpClient c, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> signIn(HttpClient c, String user, String password) throws Exception {
        return send(c, "POST", "/login", "user=" + user + "&password=" + password,
                "Content-Type", "application/x-www-form-urlencoded", "Origin", "http://127.0.0.1:" + admin);
    }

    @Test
    void withoutASessionPagesRedirectToSignInAndTheApiIsUnauthorized() throws Exception {
        HttpClient c = browser();
        HttpResponse<String> page = send(c, "GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
        HttpResponse<String> api = send(c, "GET", "/api/topics", null);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.body()).isEqualTo("{\"message\":\"UNAUTHORIZED\"}");
        // the ACL header is a proxy's word; with sign-in nobody's
        assertThat(send(c, "POST", "/api/topics", "{\"topic\":\"spoofed\"}", "X-Forwarded-User", "alice").statusCode())
                .isEqualTo(401);
        HttpResponse<String> form = send(c, "GET", "/login", null);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<form method=\"post\" action=\"/login\">");
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        HttpClient c = browser();
        assertThat(signIn(c, "alice", "guess").statusCode()).isEqualTo(401);
        assertThat(signIn(c, "mallory", "guess").statusCode()).isEqualTo(401);
        assertThat(send(c, "GET", "/api/topics", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aViewerSeesTheTlsOnlyClusterButMayNotAct() throws Exception {
        HttpClient bob = browser();
        HttpResponse<String> in = signIn(bob, "bob", "bob-password");
        assertThat(in.statusCode()).isEqualTo(303);
        assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith(SignIn.SESSION_COOKIE + "=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict"));
        HttpResponse<String> topics = send(bob, "GET", "/api/topics", null);
        assertThat(topics.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(topics.body()).path("topics").toString()).contains("orders");
        HttpResponse<String> create = send(bob, "POST", "/api/topics", "{\"topic\":\"by_bob\"}");
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(create.body()).isEqualTo("{\"message\":\"FORBIDDEN\"}");
    }

    @Test
    void anAdminActsAndTheActionIsAuditedWithTheSignedInUser() throws Exception {
        HttpClient alice = browser();
        signIn(alice, "alice", "alice-password");
        HttpResponse<String> create = send(alice, "POST", "/api/topics", "{\"topic\":\"by_alice\"}",
                "Origin", "http://127.0.0.1:" + admin, "X-Forwarded-User", "someone-else");
        assertThat(create.statusCode()).isEqualTo(200);
        await(() -> notified.stream().anyMatch(n -> n.path("topic").asText().equals("by_alice")), "the notification");
        JsonNode n = notified.stream().filter(x -> x.path("topic").asText().equals("by_alice")).findFirst().orElseThrow();
        assertThat(n.path("action").asText()).isEqualTo("create_topic");
        assertThat(n.path("user").asText()).isEqualTo("alice");
        assertThat(send(alice, "GET", "/api/topics", null).body()).contains("by_alice");

        assertThat(send(alice, "POST", "/logout", null, "Origin", "http://127.0.0.1:" + admin).statusCode()).isEqualTo(303);
        assertThat(send(alice, "GET", "/api/topics", null).statusCode()).isEqualTo(401);
    }

    @Test
    void crossSiteActionsAreRefusedEvenWithASession() throws Exception {
        HttpClient alice = browser();
        signIn(alice, "alice", "alice-password");
        HttpResponse<String> forged = send(alice, "POST", "/api/topics", "{\"topic\":\"forged\"}",
                "Origin", "http://evil.example");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).isEqualTo("{\"message\":\"CSRF_REFUSED\"}");
        assertThat(send(alice, "DELETE", "/api/topics/orders", null, "Referer", "http://evil.example/page").statusCode())
                .isEqualTo(403);
        assertThat(send(alice, "POST", "/api/topics", "{\"topic\":\"forged\"}", "Sec-Fetch-Site", "cross-site").statusCode())
                .isEqualTo(403);
        assertThat(send(alice, "GET", "/api/topics", null).body()).doesNotContain("forged").contains("orders");
        // the sign-in form is an action too
        assertThat(send(browser(), "POST", "/login", "user=alice&password=alice-password",
                "Content-Type", "application/x-www-form-urlencoded", "Origin", "http://evil.example").statusCode()).isEqualTo(403);
    }
}
