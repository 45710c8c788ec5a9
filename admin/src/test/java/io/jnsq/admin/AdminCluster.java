package io.jnsq.admin;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Run;
import io.jnsq.testing.RealProcesses.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster the admin ITs run against: a bin/nsqlookupd, two bin/nsqd registered with it ({@link #a}, {@link #b}),
 * both with a topic and a channel, and bin/nsqadmin in front of them with the test's own flags; and how tests talk to
 * nsqadmin (no redirect followed, so an action's 303 and its Location can be checked).
 */
final class AdminCluster implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    final RealProcesses bin;
    final Server lookupd;
    final Server a;
    final Server b;
    final int admin;
    final Run adminRun;

    private AdminCluster(RealProcesses bin, Server lookupd, Server a, Server b, int admin, Run adminRun) {
        this.bin = bin;
        this.lookupd = lookupd;
        this.a = a;
        this.b = b;
        this.admin = admin;
        this.adminRun = adminRun;
    }

    /** Starts it in {@code dir}, {@code topic}/{@code channel} created on both nsqds, nsqadmin run with {@code adminFlags}. */
    static AdminCluster start(Path dir, String topic, String channel, String... adminFlags) throws Exception {
        RealProcesses bin = new RealProcesses(dir);
        Server lookupd = bin.lookupd();
        Server a = bin.nsqdWith(lookupd);
        Server b = bin.nsqdWith(lookupd);
        int admin = freePort();
        List<String> args = new ArrayList<>(List.of("--http-address=127.0.0.1:" + admin, "--lookupd-http-address=" + lookupd.httpAddress()));
        args.addAll(List.of(adminFlags));
        Run adminRun = bin.run(null, "nsqadmin", args.toArray(String[]::new));
        await(() -> get(admin, "/ping").equals("OK"), "nsqadmin answers /ping");
        for (Server s : List.of(a, b)) {
            http("POST", s.http(), "/topic/create?topic=" + topic, null);
            http("POST", s.http(), "/channel/create?topic=" + topic + "&channel=" + channel, null);
        }
        return new AdminCluster(bin, lookupd, a, b, admin, adminRun);
    }

    /** Waits until lookupd lists {@code topic} on both nsqds. */
    void awaitOnBoth(String topic) throws InterruptedException {
        await(() -> get(lookupd.http(), "/lookup?topic=" + topic).split("\"tcp_port\"").length == 3, "lookupd knows " + topic + " on both");
    }

    /** The HTTP address nsqadmin names {@code s} by. */
    static String node(Server s) {
        return "127.0.0.1:" + s.http();
    }

    /** A request to this cluster's nsqadmin; {@code headers} as name, value, ... */
    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return send(admin, method, path, body, headers);
    }

    /** A request to the server on {@code port}. */
    static HttpResponse<String> send(int port, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A page (or API answer) of this cluster's nsqadmin, which must answer 200. */
    String page(String path) throws Exception {
        return page(admin, path);
    }

    static String page(int port, String path) throws Exception {
        HttpResponse<String> r = send(port, "GET", path, null);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    /** An HTML form posted to nsqadmin (an action or Lookup's create). */
    HttpResponse<String> form(String path, String body, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/x-www-form-urlencoded"));
        all.addAll(List.of(headers));
        return send("POST", path, body, all.toArray(String[]::new));
    }

    /** How a stand-in nsqd or lookupd answers: {@code body} as JSON, or NSQ's 404 when it has none. */
    static void answerJson(HttpExchange ex, String body) throws IOException {
        byte[] bytes = (body == null ? "{\"message\":\"NOT_FOUND\"}" : body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        bin.close();
    }
}
