package io.jnsq.tools;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Run;
import io.jnsq.testing.RealProcesses.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each NSQ utility against real brokers (and a lookupd), run from bin/ as a user runs it. */
class ToolsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private RealProcesses bin;
    private HttpServer endpoint;

    @AfterEach
    void stopAll() {
        if (endpoint != null) {
            endpoint.stop(0);
        }
        if (bin != null) {
            bin.close();
        }
    }

    private RealProcesses bin() {
        if (bin == null) {
            bin = new RealProcesses(tmp);
        }
        return bin;
    }

    @Test
    void toNsqPublishesEachDelimitedRecordToEveryNsqd() throws Exception {
        Server a = bin().nsqd();
        Server b = bin().nsqd();
        Path input = Files.writeString(tmp.resolve("in"), "one,two,,three"); // an empty record is skipped; the last needs no delimiter
        Run run = bin().run(input, "to_nsq", "--topic=words", "--delimiter=,",
                "--nsqd-tcp-address=" + a.tcpAddress(), "--nsqd-tcp-address=" + b.tcpAddress());
        assertThat(run.exitCode()).isZero();
        assertThat(run.errors()).contains("published 3 messages to words");
        for (Server s : List.of(a, b)) {
            assertThat(topic(s, "words").path("depth").asLong()).isEqualTo(3);
            Run tail = bin().run(null, "nsq_tail", "--topic=words", "-n", "3", "--nsqd-tcp-address=" + s.tcpAddress());
            assertThat(tail.exitCode()).isZero();
            assertThat(tail.output()).isEqualTo("one\ntwo\nthree\n");
        }
    }

    @Test
    void toNsqRateThrottlesPublishing() throws Exception {
        Server s = bin().nsqd();
        Path input = Files.writeString(tmp.resolve("in"), IntStream.range(0, 30).mapToObj(Integer::toString)
                .collect(Collectors.joining("\n", "", "\n")));
        long start = System.nanoTime();
        Run run = bin().run(input, "to_nsq", "--topic=slow", "--rate=10", "--nsqd-tcp-address=" + s.tcpAddress());
        assertThat(run.exitCode()).isZero();
        assertThat((System.nanoTime() - start) / 1_000_000).as("30 messages at 10/s take about 2 s or more").isGreaterThan(1500);
        assertThat(topic(s, "slow").path("message_count").asLong()).isEqualTo(30);
    }

    @Test
    void nsqTailShowsNMessagesWithTopicAndLeavesTheRestQueued() throws Exception {
        Server s = bin().nsqd();
        http("POST", s.http(), "/topic/create?topic=logs", null);
        http("POST", s.http(), "/channel/create?topic=logs&channel=tail", null);
        assertThat(http("POST", s.http(), "/mpub?topic=logs", "m1\nm2\nm3\nm4\nm5\nm6\nm7\nm8\nm9\nm10")).isEqualTo("OK");
        Run tail = bin().run(null, "nsq_tail", "--topic=logs", "--channel=tail", "-n", "4", "--print-topic",
                "--nsqd-tcp-address=" + s.tcpAddress());
        assertThat(tail.exitCode()).isZero();
        assertThat(tail.output()).isEqualTo("logs | m1\nlogs | m2\nlogs | m3\nlogs | m4\n");
        await(() -> channel(s, "logs", "tail").path("in_flight_count").asLong() == 0, "nothing left in flight");
        assertThat(channel(s, "logs", "tail").path("depth").asLong()).as("the six not shown stay queued").isEqualTo(6);
    }

    @Test
    void consumersNegotiateDeflateAndSnappyWithTheBroker() throws Exception {
        Server s = bin().nsqd();
        http("POST", s.http(), "/topic/create?topic=zip", null);
        String body = "compressible ".repeat(80);
        for (String codec : List.of("deflate", "snappy")) {
            String channel = "tail-" + codec;
            http("POST", s.http(), "/channel/create?topic=zip&channel=" + channel, null);
            Run tail = bin().run(null, "nsq_tail", "--topic=zip", "--channel=" + channel, "--consumer-opt=" + codec + ",true",
                    "--nsqd-tcp-address=" + s.tcpAddress());
            await(() -> channel(s, "zip", channel).path("clients").path(0).path(codec).asBoolean(), codec + " negotiated");
            assertThat(http("POST", s.http(), "/mpub?topic=zip", String.join("\n", java.util.Collections.nCopies(300, body))))
                    .isEqualTo("OK");
            await(() -> {
                try {
                    return tail.output().lines().count() >= 300;
                } catch (IOException e) {
                    return false;
                }
            }, "300 messages printed over " + codec);
            tail.process().destroy();
            assertThat(tail.exitCode()).isZero();
            assertThat(tail.output().lines().toList()).hasSize(300).allMatch(body::equals);
        }
    }

    @Test
    void nsqToHttpPostsEveryMessageAndRetriesFailedRequests() throws Exception {
        Server s = bin().nsqd();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        Set<String> contentTypes = ConcurrentHashMap.newKeySet();
        Set<String> customHeaders = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        int port = serve(exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            customHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Test")));
            boolean fail = requests.incrementAndGet() <= 3; // the first three requests fail: those messages come back
            if (!fail) {
                received.merge(body, 1, Integer::sum);
            }
            exchange.sendResponseHeaders(fail ? 500 : 200, -1);
            exchange.close();
        });
        List<String> bodies = IntStream.range(0, 50).mapToObj(i -> "event-" + i).toList();
        assertThat(http("POST", s.http(), "/mpub?topic=events", String.join("\n", bodies))).isEqualTo("OK");
        Run toHttp = bin().run(null, "nsq_to_http", "--topic=events", "--post=http://127.0.0.1:" + port + "/in",
                "--content-type=text/plain", "--header=X-Test: yes", "--consumer-opt=backoff_multiplier,100ms",
                "--consumer-opt=default_requeue_delay,100ms", "--nsqd-tcp-address=" + s.tcpAddress());
        await(() -> received.size() == 50, "every message posted");
        await(() -> channel(s, "events", "nsq_to_http").path("in_flight_count").asLong() == 0, "every message finished");
        toHttp.process().destroy();
        assertThat(toHttp.exitCode()).isZero();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(bodies);
        assertThat(contentTypes).containsExactly("text/plain");
        assertThat(customHeaders).containsExactly("yes");
        JsonNode c = channel(s, "events", "nsq_to_http");
        assertThat(c.path("depth").asLong()).isZero();
        assertThat(c.path("requeue_count").asLong()).isEqualTo(3);
    }

    @Test
    void nsqToHttpGetSubstitutesTheEscapedBodyAndLosesNothingOnSigterm() throws Exception {
        Server s = bin().nsqd();
        Set<String> received = ConcurrentHashMap.newKeySet();
        int port = serve(exchange -> {
            String q = exchange.getRequestURI().getRawQuery();
            try {
                Thread.sleep(20); // slow enough that the SIGTERM comes mid-stream
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(URLDecoder.decode(q.substring("msg=".length()), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        int total = 400;
        List<String> bodies = IntStream.range(0, total).mapToObj(i -> "hello world & " + i).toList();
        assertThat(http("POST", s.http(), "/mpub?topic=gets", String.join("\n", bodies))).isEqualTo("OK");
        Run toHttp = bin().run(null, "nsq_to_http", "--topic=gets", "--get=http://127.0.0.1:" + port + "/in?msg=%s",
                "-n", "4", "--nsqd-tcp-address=" + s.tcpAddress());
        await(() -> received.size() >= 40, "some messages sent");
        toHttp.process().destroy();
        assertThat(toHttp.exitCode()).isZero();
        assertThat(toHttp.errors()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(bodies).containsAll(received);
        await(() -> channel(s, "gets", "nsq_to_http").path("in_flight_count").asLong() == 0, "nothing left in flight");
        JsonNode c = channel(s, "gets", "nsq_to_http");
        assertThat(received.size()).as("sent %d of %d", received.size(), total).isLessThan(total);
        assertThat(c.path("depth").asLong()).as("what was not sent is still queued").isEqualTo(total - received.size());
    }

    @Test
    void nsqToNsqRelaysToTheDestinationTopicAndLosesNothingOnSigterm() throws Exception {
        Server source = bin().nsqd();
        Server destination = bin().nsqd();
        int total = 3000;
        List<String> bodies = IntStream.range(0, total).mapToObj(i -> "msg-" + i).toList();
        http("POST", source.http(), "/topic/create?topic=src", null);
        http("POST", source.http(), "/channel/create?topic=src&channel=nsq_to_nsq", null);
        Run relay = bin().run(null, "nsq_to_nsq", "--topic=src", "--destination-topic=dst",
                "--destination-nsqd-tcp-address=" + destination.tcpAddress(), "--nsqd-tcp-address=" + source.tcpAddress());
        for (int i = 0; i < total; i += 500) {
            assertThat(http("POST", source.http(), "/mpub?topic=src", String.join("\n", bodies.subList(i, i + 500)))).isEqualTo("OK");
        }
        await(() -> topic(destination, "dst").path("message_count").asLong() >= 500, "relaying has begun");
        relay.process().destroy();
        assertThat(relay.exitCode()).isZero();
        assertThat(relay.errors()).doesNotContain("\tat ").doesNotContain("Exception");
        // what the tool had been sent but not handled goes back to the channel when the broker sees it leave
        await(() -> channel(source, "src", "nsq_to_nsq").path("in_flight_count").asLong() == 0, "nothing left in flight");
        long relayed = topic(destination, "dst").path("message_count").asLong();
        JsonNode left = channel(source, "src", "nsq_to_nsq");
        assertThat(relayed + left.path("depth").asLong()).as("relayed + still queued").isEqualTo(total);
    }

    @Test
    void nsqToNsqPassesOnlyRequiredJsonWithWhitelistedFields() throws Exception {
        Server source = bin().nsqd();
        Server destination = bin().nsqd();
        assertThat(http("POST", source.http(), "/mpub?topic=json", String.join("\n",
                "{\"z\":2.0,\"kind\":\"click\",\"secret\":\"s\",\"a\":\"x\"}",
                "{\"kind\":\"view\",\"z\":1}",
                "not json",
                "{\"kind\":\"click\",\"z\":3.5}"))).isEqualTo("OK");
        Run relay = bin().run(null, "nsq_to_nsq", "--topic=json", "--require-json-field=kind", "--require-json-value=click",
                "--whitelist-json-field=z", "--whitelist-json-field=a", "--whitelist-json-field=kind",
                "--destination-nsqd-tcp-address=" + destination.tcpAddress(), "--nsqd-tcp-address=" + source.tcpAddress());
        await(() -> channel(source, "json", "nsq_to_nsq").path("message_count").asLong() == 4
                && channel(source, "json", "nsq_to_nsq").path("depth").asLong() == 0
                && channel(source, "json", "nsq_to_nsq").path("in_flight_count").asLong() == 0, "all four handled");
        relay.process().destroy();
        assertThat(relay.exitCode()).isZero();
        Run tail = bin().run(null, "nsq_tail", "--topic=json", "-n", "2", "--nsqd-tcp-address=" + destination.tcpAddress());
        assertThat(tail.exitCode()).isZero();
        assertThat(tail.output()).isEqualTo("{\"a\":\"x\",\"kind\":\"click\",\"z\":2}\n{\"kind\":\"click\",\"z\":3.5}\n");
        assertThat(relay.errors()).contains("Unable to decode json: not json");
    }

    @Test
    void nsqStatSumsAChannelOverEveryNodeFoundThroughLookupd() throws Exception {
        Server lookupd = bin().lookupd();
        Server a = bin().nsqdWith(lookupd);
        Server b = bin().nsqdWith(lookupd);
        for (Server s : List.of(a, b)) {
            http("POST", s.http(), "/topic/create?topic=stat", null);
            http("POST", s.http(), "/channel/create?topic=stat&channel=c", null);
        }
        http("POST", a.http(), "/mpub?topic=stat", "1\n2\n3");
        http("POST", b.http(), "/mpub?topic=stat", "4\n5");
        await(() -> get(lookupd.http(), "/lookup?topic=stat").split("\"tcp_port\"").length == 3, "lookupd knows both nodes");
        Run stat = bin().run(null, "nsq_stat", "--topic=stat", "--channel=c", "--count=2", "--interval=200ms",
                "--lookupd-http-address=" + lookupd.httpAddress());
        assertThat(stat.exitCode()).isZero();
        List<String> lines = stat.output().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("------rate------+----------------depth----------------+--------------metadata---------------");
        assertThat(lines.get(1)).isEqualTo("ingress  egress |   total     mem    disk inflt   def |     req     t-o         msgs clients");
        assertThat(lines.get(2)).isEqualTo("      0       0 |       5       5       0     0     0 |       0       0            5       0");
        assertThat(lines.get(3)).isEqualTo(lines.get(2));
    }

    @Test
    void nsqToFileFollowsATopicPatternAndMovesFinishedFilesOutOfTheWorkDir() throws Exception {
        Server lookupd = bin().lookupd();
        Server s = bin().nsqdWith(lookupd);
        Path work = Files.createDirectory(tmp.resolve("work"));
        Path out = Files.createDirectory(tmp.resolve("out"));
        http("POST", s.http(), "/pub?topic=app.a", "a1");
        http("POST", s.http(), "/pub?topic=other", "o1");
        await(() -> get(lookupd.http(), "/topics").contains("other"), "lookupd knows the topics");
        Run toFile = bin().run(null, "nsq_to_file", "--topic-pattern=^app\\.", "--topic-refresh=200ms",
                "--work-dir=" + work, "--output-dir=" + out, "--sync-interval=100ms",
                "--lookupd-http-address=" + lookupd.httpAddress());
        http("POST", s.http(), "/pub?topic=app.b", "b1"); // a topic that appears later is picked up
        http("POST", s.http(), "/pub?topic=app.a", "a2");
        await(() -> contents(work).size() == 2 && contents(work).values().stream().mapToInt(String::length).sum() == 9,
                "both app topics written in the work dir");
        assertThat(contents(out)).isEmpty();
        toFile.process().destroy();
        assertThat(toFile.exitCode()).isZero();
        assertThat(contents(work)).isEmpty();
        Map<String, String> files = contents(out);
        assertThat(files).hasSize(2);
        String host = "[^.]+";
        assertThat(files.keySet()).anyMatch(n -> n.matches("app\\.a\\." + host + "-000000\\.\\d{4}-\\d{2}-\\d{2}_\\d{2}\\.log"));
        assertThat(files.entrySet()).anyMatch(e -> e.getKey().startsWith("app.a.") && e.getValue().equals("a1\na2\n"));
        assertThat(files.entrySet()).anyMatch(e -> e.getKey().startsWith("app.b.") && e.getValue().equals("b1\n"));
        assertThat(toFile.errors()).contains("skipping topic other");
    }

    private static Map<String, String> contents(Path dir) {
        try (var files = Files.list(dir)) {
            Map<String, String> out = new java.util.TreeMap<>();
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
            return out;
        } catch (IOException e) {
            return Map.of();
        }
    }

    @Test
    void badFlagsExitTwoAndUnreachableServersExitOneWithAMessage() throws Exception {
        for (String tool : List.of("to_nsq", "nsq_tail", "nsq_to_http", "nsq_to_nsq", "nsq_stat")) {
            Run bad = bin().run(null, tool, "--no-such-flag");
            assertThat(bad.exitCode()).as(tool).isEqualTo(2);
            assertThat(bad.errors()).as(tool).contains("Unknown option").doesNotContain("\tat ");
        }
        Run missing = bin().run(null, "nsq_to_http", "--topic=t", "--nsqd-tcp-address=127.0.0.1:1");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.errors()).contains("--get or --post required");

        String nowhere = "127.0.0.1:" + RealProcesses.freePort();
        List<Run> unreachable = List.of(
                bin().run(null, "nsq_tail", "--topic=t", "--nsqd-tcp-address=" + nowhere),
                bin().run(null, "nsq_to_http", "--topic=t", "--post=http://127.0.0.1:1/", "--lookupd-http-address=" + nowhere),
                bin().run(null, "nsq_to_nsq", "--topic=t", "--destination-nsqd-tcp-address=" + nowhere, "--nsqd-tcp-address=" + nowhere),
                bin().run(null, "nsq_stat", "--topic=t", "--channel=c", "--nsqd-http-address=" + nowhere));
        for (Run r : unreachable) {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.errors()).contains(nowhere).doesNotContain("\tat ");
        }
        Path input = Files.writeString(tmp.resolve("in"), "x\n");
        Run toNsq = bin().run(input, "to_nsq", "--topic=t", "--nsqd-tcp-address=" + nowhere);
        assertThat(toNsq.exitCode()).isEqualTo(1);
        assertThat(toNsq.errors()).contains("cannot connect to nsqd at " + nowhere);
    }

    private int serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        endpoint.createContext("/", handler);
        endpoint.start();
        return endpoint.getAddress().getPort();
    }

    private static JsonNode topic(Server s, String topic) {
        try {
            for (JsonNode t : JSON.readTree(get(s.http(), "/stats?format=json&topic=" + topic)).path("topics")) {
                if (t.path("topic_name").asText().equals(topic)) {
                    return t;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return JSON.createObjectNode();
    }

    private static JsonNode channel(Server s, String topic, String channel) {
        for (JsonNode c : topic(s, topic).path("channels")) {
            if (c.path("channel_name").asText().equals(channel)) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }

}
