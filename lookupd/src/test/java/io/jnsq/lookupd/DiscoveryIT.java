package io.jnsq.lookupd;

import static org.assertj.core.api.Assertions.assertThat;

import com.sproutsocial.nsq.MessageHandler;
import com.sproutsocial.nsq.Subscriber;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery with real processes: bin/nsqlookupd and two bin/nsqd registered with it, and consumers finding them. */
class DiscoveryIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private record Server(Process process, int tcp, int http) {
    }

    private Server start(String binary, String... flags) throws Exception {
        int tcp = freePort();
        int http = freePort();
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/" + binary).toString(),
                "--tcp-address=127.0.0.1:" + tcp, "--http-address=127.0.0.1:" + http));
        cmd.addAll(List.of(flags));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(binary + "-" + tcp + ".log").toFile());
        pb.environment().put("JNSQ_NO_BUILD", "1");
        Process p = pb.start();
        processes.add(p);
        await(() -> get(http, "/ping").equals("OK"), binary + " answers /ping");
        return new Server(p, tcp, http);
    }

    private Server nsqd(Server lookupd, String name) throws Exception {
        return start("nsqd", "--data-path=" + tmp.resolve(name).toFile().getAbsolutePath(),
                "--lookupd-tcp-address=127.0.0.1:" + lookupd.tcp(), "--broadcast-address=127.0.0.1");
    }

    private static String get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static String post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void brokersRegisterTopicsAndChannelsAndVanishWhenTheyGo() throws Exception {
        Server lookupd = start("nsqlookupd");
        Server a = nsqd(lookupd, "a");
        Server b = nsqd(lookupd, "b");
        post(a.http(), "/pub?topic=shared", "from-a");
        post(b.http(), "/pub?topic=shared", "from-b");
        post(a.http(), "/channel/create?topic=shared&channel=c1", "");
        await(() -> get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + a.tcp())
                && get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp())
                && get(lookupd.http(), "/lookup?topic=shared").contains("\"c1\""), "both brokers and the channel listed");
        assertThat(get(lookupd.http(), "/lookup?topic=shared")).startsWith("{\"channels\":[\"c1\"],\"producers\":[");
        assertThat(get(lookupd.http(), "/nodes")).contains("\"http_port\":" + a.http()).contains("\"http_port\":" + b.http());
        assertThat(get(lookupd.http(), "/topics")).isEqualTo("{\"topics\":[\"shared\"]}");

        // a channel created through lookupd exists on a broker as soon as the topic appears there
        post(lookupd.http(), "/channel/create?topic=fresh&channel=pre_made", "");
        post(a.http(), "/pub?topic=fresh", "x");
        await(() -> get(a.http(), "/stats?format=json&topic=fresh").contains("\"channel_name\":\"pre_made\""),
                "the broker created the channel lookupd knew");

        post(a.http(), "/channel/delete?topic=shared&channel=c1", "");
        await(() -> get(lookupd.http(), "/channels?topic=shared").equals("{\"channels\":[\"c1\"]}")
                && !get(lookupd.http(), "/debug").contains("channel:shared:c1\":[{"), "channel unregistered");

        post(b.http(), "/topic/delete?topic=shared", "");
        await(() -> !get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp()),
                "a topic deleted on b is no longer looked up there");
        post(b.http(), "/pub?topic=shared", "back");
        await(() -> get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp()), "b has it again");

        b.process().destroy();
        assertThat(b.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        await(() -> !get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp()), "b gone from /lookup");
        assertThat(get(lookupd.http(), "/lookup?topic=shared")).contains("\"tcp_port\":" + a.tcp());
    }

    @Test
    void brokersRegisterAgainWhenLookupdRestarts() throws Exception {
        int lookupTcp = freePort();
        int lookupHttp = freePort();
        Process first = startLookupdOn(lookupTcp, lookupHttp);
        Server a = start("nsqd", "--data-path=" + tmp.resolve("a").toFile().getAbsolutePath(),
                "--lookupd-tcp-address=127.0.0.1:" + lookupTcp, "--broadcast-address=127.0.0.1");
        post(a.http(), "/pub?topic=survivor", "x");
        await(() -> get(lookupHttp, "/lookup?topic=survivor").contains("\"tcp_port\":" + a.tcp()), "registered");
        first.destroy();
        first.waitFor(30, TimeUnit.SECONDS);
        startLookupdOn(lookupTcp, lookupHttp);
        await(() -> get(lookupHttp, "/lookup?topic=survivor").contains("\"tcp_port\":" + a.tcp()), "registered again");
    }

    @Test
    void nsqJConsumerFindsEveryBrokerThroughLookupd() throws Exception {
        Server lookupd = start("nsqlookupd");
        Server a = nsqd(lookupd, "a");
        Server b = nsqd(lookupd, "b");
        for (int i = 0; i < 10; i++) {
            post(a.http(), "/pub?topic=found", "a" + i);
            post(b.http(), "/pub?topic=found", "b" + i);
        }
        await(() -> get(lookupd.http(), "/lookup?topic=found").contains("\"tcp_port\":" + b.tcp()), "both registered");
        Set<String> got = ConcurrentHashMap.newKeySet();
        Subscriber subscriber = new Subscriber(1, "127.0.0.1:" + lookupd.http());
        try {
            subscriber.subscribe("found", "ch", (MessageHandler) m -> {
                got.add(new String(m.getData(), StandardCharsets.UTF_8));
                m.finish();
            });
            await(() -> got.size() == 20, "all 20 messages from both brokers");
        } finally {
            subscriber.stop();
        }
        assertThat(got).contains("a0", "a9", "b0", "b9");
    }

    private Process startLookupdOn(int tcp, int http) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/nsqlookupd").toString(), "--tcp-address=127.0.0.1:" + tcp,
                "--http-address=127.0.0.1:" + http).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("lookupd-" + tcp + ".log").toFile()));
        pb.environment().put("JNSQ_NO_BUILD", "1");
        Process p = pb.start();
        processes.add(p);
        await(() -> get(http, "/ping").equals("OK"), "nsqlookupd answers /ping");
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
