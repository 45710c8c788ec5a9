package io.jnsq.tools;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.NsqdStats;
import io.jnsq.protocol.stats.TopicStats;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsq_stat}: polls {@code /stats} of every nsqd that has a topic (found through lookupds or given directly)
 * and prints one line per interval for a channel, summed over the nodes: ingress and egress rates, depth (memory and
 * disk), in-flight, deferred, requeued, timed out, messages and clients. A header every 25 lines, as NSQ's does.
 */
@Command(name = "nsq_stat", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "Prints a channel's stats, summed over every nsqd that has its topic, at an interval.")
public final class NsqStat implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Option(names = "--topic", defaultValue = "", description = "NSQ topic")
    String topic;
    @Option(names = "--channel", defaultValue = "", description = "NSQ channel")
    String channel;
    @Option(names = "--interval", defaultValue = "2s", description = "duration of time between polling/printing output")
    Duration interval;
    @Option(names = "--http-client-connect-timeout", defaultValue = "2s", description = "timeout for HTTP connect")
    Duration connectTimeout;
    @Option(names = "--http-client-request-timeout", defaultValue = "5s", description = "timeout for HTTP request")
    Duration requestTimeout;
    @Option(names = "--count", paramLabel = "N", description = "number of reports")
    Integer count;
    @Option(names = "--nsqd-http-address", paramLabel = "<addr>", description = "nsqd HTTP address (may be given multiple times)")
    List<String> nsqdHttpAddresses = new ArrayList<>();
    @Option(names = "--lookupd-http-address", paramLabel = "<addr>", description = "lookupd HTTP address (may be given multiple times)")
    List<String> lookupdHttpAddresses = new ArrayList<>();

    PrintStream output = System.out;
    private HttpClient http;

    /** A channel's figures summed over nodes. */
    record Totals(long depth, long backendDepth, long inFlight, long deferred, long requeued, long timedOut,
            long messages, long clients) {
    }

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new NsqStat(), args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = validate();
        if (problem != null) {
            return Tool.usage("nsq_stat", problem);
        }
        http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        CountDownLatch stop = Tool.onTermOrInt();
        Totals previous = null;
        for (int i = 0; count == null || count >= i; i++) {
            Totals now = poll();
            if (i % 25 == 0) {
                output.printf("%s+%s+%s%n", "------rate------", "----------------depth----------------",
                        "--------------metadata---------------");
                output.printf("%7s %7s | %7s %7s %7s %5s %5s | %7s %7s %12s %7s%n", "ingress", "egress", "total", "mem",
                        "disk", "inflt", "def", "req", "t-o", "msgs", "clients");
            }
            if (previous != null) {
                double seconds = interval.toNanos() / 1e9;
                long in = now.messages - previous.messages;
                output.printf("%7d %7d | %7d %7d %7d %5d %5d | %7d %7d %12d %7d%n",
                        (long) (in / seconds), (long) ((in - (now.depth - previous.depth)) / seconds),
                        now.depth, now.depth - now.backendDepth, now.backendDepth, now.inFlight, now.deferred,
                        now.requeued, now.timedOut, now.messages, now.clients);
            }
            output.flush();
            previous = now;
            if (count != null && i == count) {
                break;
            }
            if (stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        return 0;
    }

    private String validate() {
        if (topic.isEmpty() || channel.isEmpty()) {
            return "--topic and --channel are required";
        }
        if (interval.isNegative() || interval.isZero()) {
            return "--interval should be positive";
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            return "--http-client-connect-timeout should be positive";
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            return "--http-client-request-timeout should be positive";
        }
        if (count != null && count <= 0) {
            return "--count should be positive";
        }
        if (nsqdHttpAddresses.isEmpty() && lookupdHttpAddresses.isEmpty()) {
            return "--nsqd-http-address or --lookupd-http-address required";
        }
        if (!nsqdHttpAddresses.isEmpty() && !lookupdHttpAddresses.isEmpty()) {
            return "use --nsqd-http-address or --lookupd-http-address not both";
        }
        for (String a : nsqdHttpAddresses) {
            if (a.startsWith("http")) {
                return "--nsqd-http-address error - address should not contain scheme";
            }
        }
        for (String a : lookupdHttpAddresses) {
            if (a.startsWith("http")) {
                return "--lookupd-http-address error - address should not contain scheme";
            }
        }
        return null;
    }

    /** The channel's totals over every node that has the topic; a channel found nowhere is an error. */
    private Totals poll() throws IOException {
        Set<String> nodes = lookupdHttpAddresses.isEmpty() ? new LinkedHashSet<>(nsqdHttpAddresses) : producersFromLookupds();
        long depth = 0, backend = 0, inFlight = 0, deferred = 0, requeued = 0, timedOut = 0, messages = 0, clients = 0;
        boolean found = false;
        for (String node : nodes) {
            NsqdStats stats = JSON.readValue(get(node, "/stats?format=json&topic=" + enc(topic) + "&channel=" + enc(channel)), NsqdStats.class);
            for (TopicStats t : stats.topics() == null ? List.<TopicStats>of() : stats.topics()) {
                if (!t.topicName().equals(topic) || t.channels() == null) {
                    continue;
                }
                for (ChannelStats c : t.channels()) {
                    if (c.channelName().equals(channel)) {
                        found = true;
                        depth += c.depth();
                        backend += c.backendDepth();
                        inFlight += c.inFlightCount();
                        deferred += c.deferredCount();
                        requeued += c.requeueCount();
                        timedOut += c.timeoutCount();
                        messages += c.messageCount();
                        clients += c.clientCount();
                    }
                }
            }
        }
        if (!found) {
            throw new IOException("failed to find channel(" + channel + ") in stats metadata for topic(" + topic + ")");
        }
        return new Totals(depth, backend, inFlight, deferred, requeued, timedOut, messages, clients);
    }

    private Set<String> producersFromLookupds() throws IOException {
        Set<String> nodes = new LinkedHashSet<>();
        IOException last = null;
        for (String lookupd : lookupdHttpAddresses) {
            try {
                JsonNode producers = JSON.readTree(get(lookupd, "/lookup?topic=" + enc(topic))).path("producers");
                for (JsonNode p : producers) {
                    nodes.add(p.path("broadcast_address").asText() + ":" + p.path("http_port").asInt());
                }
            } catch (IOException e) {
                last = e;
            }
        }
        if (nodes.isEmpty() && last != null) {
            throw new IOException("failed to get topic producers - " + last.getMessage(), last);
        }
        return nodes;
    }

    private String get(String address, String path) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(requestTimeout)
                .header("Accept", "application/vnd.nsq; version=1.0").build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IOException(address + path + " answered " + resp.statusCode() + " " + resp.body());
            }
            return resp.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().contains(" answered ") ? e
                    : new IOException("cannot reach " + address + ": " + e, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
