package io.jnsq.admin;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jnsq.testing.RealProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long bin/nsqadmin takes to render its pages for a big cluster: a stand-in lookupd and 100 stand-in nsqds
 * (canned answers in nsqd's and nsqlookupd's JSON) with 1,000 topics of 2 channels each. A benchmark, not a test:
 * {@code ./mvnw -pl admin verify -Djnsq.soak=true -Dit.test=AdminScaleBenchmarkIT}; it prints the timings.
 */
@Tag("benchmark")
class AdminScaleBenchmarkIT {

    private static final int NODES = 100;
    private static final int TOPICS = 1000;

    @TempDir
    Path tmp;

    @Test
    void pagesWithAThousandTopicsAndAHundredNodes() throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress(0), 1000); // every 127.0.0.n reaches it
        fake.setExecutor(Executors.newFixedThreadPool(16));
        int port = fake.getAddress().getPort();
        String stats = nsqdStats("");
        fake.createContext("/", ex -> answer(ex, port, stats));
        fake.start();
        try (RealProcesses bin = new RealProcesses(tmp)) {
            int admin = freePort();
            bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + admin, "--lookupd-http-address=127.0.0.1:" + port);
            await(() -> get(admin, "/ping").equals("OK"), "nsqadmin up");
            HttpClient http = HttpClient.newHttpClient();
            List<String> pages = List.of("/", "/topics/topic0500", "/topics/topic0500/ch1", "/nodes", "/nodes/127.0.0.1:" + port,
                    "/counter", "/lookup", "/api/topics", "/api/topics/topic0500", "/api/nodes", "/api/counter");
            for (String page : pages) { // warm up: JIT, connections, the rate sampler's first round
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + page)).build(), HttpResponse.BodyHandlers.ofString());
            }
            Thread.sleep(6000);
            System.out.printf("%-32s %8s %10s%n", "page", "ms", "bytes");
            for (String page : pages) {
                long best = Long.MAX_VALUE;
                int size = 0;
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + page)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
                    size = r.body().length();
                    if (r.statusCode() != 200) {
                        throw new AssertionError(page + " answered " + r.statusCode() + ": " + r.body());
                    }
                }
                System.out.printf("%-32s %8d %10d%n", page, best, size);
                if (page.startsWith("/api/")) {
                    String b = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + page)).build(), HttpResponse.BodyHandlers.ofString()).body();
                    System.out.println("    ..." + b.substring(Math.max(0, b.length() - 100)));
                }
            }
        } finally {
            fake.stop(0);
        }
    }

    /** One server plays the lookupd and all 100 nsqds (they differ by broadcast address: 127.0.0.1 .. 127.0.0.100). */
    private static void answer(HttpExchange ex, int port, String stats) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
        String body = switch (path) {
            case "/topics" -> topics();
            case "/nodes" -> producers(port, true);
            case "/lookup" -> "{\"channels\":[\"ch0\",\"ch1\"],\"producers\":" + producers(port, false) + "}";
            case "/channels" -> "{\"channels\":[\"ch0\",\"ch1\"]}";
            case "/stats" -> query.contains("topic=") ? nsqdStats(query.replaceAll(".*topic=([^&]*).*", "$1")) : stats;
            case "/ping" -> "OK";
            case "/info" -> "{\"version\":\"1.3.0\",\"broadcast_address\":\"127.0.0.1\",\"hostname\":\"fake\",\"http_port\":" + port
                    + ",\"tcp_port\":4150,\"start_time\":0}";
            default -> null;
        };
        AdminCluster.answerJson(ex, body);
    }

    private static String topics() {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < TOPICS; i++) {
            t.add("\"" + name(i) + "\"");
        }
        return "{\"topics\":[" + String.join(",", t) + "]}";
    }

    private static String producers(int port, boolean withTopics) {
        StringBuilder topics = new StringBuilder();
        StringBuilder tombstones = new StringBuilder();
        for (int i = 0; i < TOPICS && withTopics; i++) {
            topics.append(i == 0 ? "" : ",").append('"').append(name(i)).append('"');
            tombstones.append(i == 0 ? "" : ",").append("false");
        }
        List<String> out = new ArrayList<>();
        for (int n = 1; n <= NODES; n++) {
            // every stand-in nsqd is reached on the same port; 127.0.0.n all loop back here
            out.add("{\"remote_address\":\"127.0.0." + n + ":1\",\"hostname\":\"node" + n + "\",\"broadcast_address\":\"127.0.0." + n
                    + "\",\"tcp_port\":4150,\"http_port\":" + port + ",\"version\":\"1.3.0\""
                    + (withTopics ? ",\"tombstones\":[" + tombstones + "],\"topics\":[" + topics + "]" : "") + "}");
        }
        return withTopics ? "{\"producers\":[" + String.join(",", out) + "]}" : "[" + String.join(",", out) + "]";
    }

    private static String nsqdStats(String onlyTopic) {
        StringBuilder sb = new StringBuilder("{\"version\":\"1.3.0\",\"health\":\"OK\",\"start_time\":0,\"topics\":[");
        boolean first = true;
        for (int i = 0; i < TOPICS; i++) {
            if (!onlyTopic.isEmpty() && !onlyTopic.equals(name(i))) {
                continue;
            }
            sb.append(first ? "" : ",").append("{\"topic_name\":\"").append(name(i)).append("\",\"channels\":[");
            first = false;
            for (int c = 0; c < 2; c++) {
                sb.append(c == 0 ? "" : ",").append("{\"channel_name\":\"ch").append(c).append("\",\"depth\":5,\"backend_depth\":1,")
                        .append("\"in_flight_count\":1,\"deferred_count\":0,\"message_count\":100,\"requeue_count\":0,")
                        .append("\"timeout_count\":0,\"client_count\":1,\"clients\":[],\"paused\":false,")
                        .append("\"e2e_processing_latency\":{\"count\":0,\"percentiles\":null}}");
            }
            sb.append("],\"depth\":0,\"backend_depth\":0,\"message_count\":100,\"message_bytes\":1000,\"paused\":false,")
                    .append("\"e2e_processing_latency\":{\"count\":0,\"percentiles\":null}}");
        }
        return sb.append("],\"producers\":[]}").toString();
    }

    private static String name(int i) {
        return String.format("topic%04d", i);
    }
}
