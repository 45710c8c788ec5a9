package io.jnsq.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.protocol.Message;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory bound on topics and channels, on a broker with a small heap: topics are created until one is refused,
 * and from then on every way of creating a topic or channel (HTTP /topic/create, /channel/create, /pub, /mpub; TCP
 * PUB, MPUB, DPUB, SUB) gets an NSQ-style refusal, logged in one line, while the topics that exist keep working:
 * /stats lists them all, PUB and SUB on them succeed, and deleting topics makes room again. nsqd has no bound (it
 * grows until the machine runs out of memory), so the refusals are ours: 503 {@code TOPIC_LIMIT_REACHED} or
 * {@code CHANNEL_LIMIT_REACHED}, and nsqd's failure codes ({@code E_PUB_FAILED}, ...) with the reason on TCP.
 */
@Tag("fault")
class MemoryBoundIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void creationIsRefusedAtTheBoundAndEverythingElseWorks() throws Exception {
        try (RealProcesses bin = new RealProcesses(tmp).environment("JAVA_OPTS", "-Xmx64m")) {
            Server nsqd = bin.server("nsqd", "--data-path=" + tmp.resolve("data"));
            assertThat(post(nsqd, "/topic/create?topic=kept").statusCode()).isEqualTo(200);
            assertThat(post(nsqd, "/channel/create?topic=kept&channel=c").statusCode()).isEqualTo(200);

            int created = createTopicsUntilRefused(nsqd);
            assertThat(created).as("topics created before the bound").isGreaterThan(1000);

            HttpResponse<String> topic = post(nsqd, "/topic/create?topic=one_more");
            assertThat(topic.statusCode()).isEqualTo(503);
            assertThat(topic.body()).isEqualTo("{\"message\":\"TOPIC_LIMIT_REACHED\"}");
            assertThat(post(nsqd, "/pub?topic=one_more", "m").body()).isEqualTo("{\"message\":\"TOPIC_LIMIT_REACHED\"}");
            assertThat(post(nsqd, "/mpub?topic=one_more", "m\nn").body()).isEqualTo("{\"message\":\"TOPIC_LIMIT_REACHED\"}");
            HttpResponse<String> channel = post(nsqd, "/channel/create?topic=kept&channel=one_more");
            assertThat(channel.statusCode()).isEqualTo(503);
            assertThat(channel.body()).isEqualTo("{\"message\":\"CHANNEL_LIMIT_REACHED\"}");

            assertThat(tcpRefusal(nsqd, "PUB one_more", "m".getBytes())).startsWith("E_PUB_FAILED PUB failed topic limit reached: ");
            assertThat(tcpRefusal(nsqd, "DPUB one_more 1000", "m".getBytes())).startsWith("E_DPUB_FAILED DPUB failed topic limit reached: ");
            assertThat(tcpRefusal(nsqd, "MPUB one_more", new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 'm'}))
                    .startsWith("E_MPUB_FAILED MPUB failed topic limit reached: ");
            try (NsqTcp tcp = new NsqTcp(nsqd.tcp())) {
                tcp.send("IDENTIFY", "{}".getBytes());
                assertThat(tcp.read().type()).isEqualTo(FrameType.RESPONSE);
                tcp.send("SUB kept one_more");
                Frame refused = tcp.read();
                assertThat(refused.type()).isEqualTo(FrameType.ERROR);
                assertThat(refused.text()).startsWith("E_SUB_FAILED SUB failed topic/channel limit reached: ");
            }

            // what exists keeps working
            assertThat(RealProcesses.get(nsqd.http(), "/ping")).isEqualTo("OK");
            String stats = RealProcesses.get(nsqd.http(), "/stats?format=json");
            assertThat(stats.split("\"topic_name\"", -1).length - 1).isEqualTo(created + 1);
            try (NsqTcp publisher = new NsqTcp(nsqd.tcp()); NsqTcp consumer = new NsqTcp(nsqd.tcp())) {
                assertThat(publisher.pub("kept", "still here".getBytes())).isTrue();
                assertThat(publisher.pub("bound0", "also here".getBytes())).isTrue();
                consumer.subscribe("kept", "c", 1);
                Message m = consumer.nextFinished(10_000);
                assertThat(m).isNotNull();
                assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("still here");
            }

            // deleting topics makes room again
            for (int i = 0; i < 10; i++) {
                assertThat(post(nsqd, "/topic/delete?topic=bound" + i).statusCode()).isEqualTo(200);
            }
            assertThat(post(nsqd, "/topic/create?topic=one_more").statusCode()).isEqualTo(200);

            String log = ServerLog.of(nsqd.run());
            assertThat(ServerLog.linesContaining(log, "memory bound: refused to create")).isBetween(1L, 10L);
            assertThat(log).doesNotContain("OutOfMemoryError");
            assertThat(ServerLog.stackTraceLines(log)).isEmpty();
        }
    }

    /** Creates topics bound0, bound1, ... from 8 threads until the first refusal; returns how many were created. */
    private static int createTopicsUntilRefused(Server nsqd) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        AtomicBoolean refused = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    while (!refused.get()) {
                        int n = next.getAndIncrement();
                        if (n >= 1_000_000) {
                            throw new AssertionError("no refusal after a million topics");
                        }
                        HttpResponse<String> r = post(nsqd, "/topic/create?topic=bound" + n);
                        if (r.statusCode() == 200) {
                            created.incrementAndGet();
                        } else {
                            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                            assertThat(r.body()).isEqualTo("{\"message\":\"TOPIC_LIMIT_REACHED\"}");
                            refused.set(true);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return created.get();
    }

    /** The error frame a fresh connection gets for {@code command} with {@code body}. */
    private static String tcpRefusal(Server nsqd, String command, byte[] body) throws Exception {
        try (NsqTcp tcp = new NsqTcp(nsqd.tcp())) {
            tcp.send(command, body);
            Frame f = tcp.read();
            assertThat(f.type()).as(f.text()).isEqualTo(FrameType.ERROR);
            return f.text();
        }
    }

    private static HttpResponse<String> post(Server nsqd, String path) throws Exception {
        return post(nsqd, path, "");
    }

    private static HttpResponse<String> post(Server nsqd, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nsqd.http() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
