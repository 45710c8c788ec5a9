package io.jnsq.tools;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import io.jnsq.client.Config;
import io.jnsq.client.Consumer;
import io.jnsq.client.Handler;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nsq_to_http}: sends every message of a topic's channel to HTTP endpoints, as a POST body or substituted
 * (URL-escaped) into a GET address, from {@code -n} concurrent workers. A message is finished only after a 2xx (POST)
 * or 200 (GET) answer; any other answer or a network error requeues it, with the consumer's backoff.
 */
@Command(name = "nsq_to_http", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "Sends the messages of an NSQ topic to HTTP endpoints.")
public final class NsqToHttp implements Callable<Integer> {

    private static final String LOG = "[nsq_to_http] ";
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    @Option(names = "--topic", defaultValue = "", description = "nsq topic")
    String topic;
    @Option(names = "--channel", defaultValue = "nsq_to_http", description = "nsq channel")
    String channel;
    @Option(names = {"-n", "--n"}, defaultValue = "100", description = "number of concurrent publishers")
    int publishers;
    @Option(names = "--mode", defaultValue = "hostpool", description = "the upstream request mode options: round-robin, hostpool (default), epsilon-greedy")
    String mode;
    @Option(names = "--sample", defaultValue = "1.0", description = "% of messages to publish (float b/w 0 -> 1)")
    double sample;
    @Option(names = "--http-client-connect-timeout", defaultValue = "2s", description = "timeout for HTTP connect")
    Duration connectTimeout;
    @Option(names = "--http-client-request-timeout", defaultValue = "20s", description = "timeout for HTTP request")
    Duration requestTimeout;
    @Option(names = "--status-every", defaultValue = "250", description = "the # of requests between logging status (per handler), 0 disables")
    int statusEvery;
    @Option(names = "--content-type", defaultValue = DEFAULT_CONTENT_TYPE, description = "the Content-Type used for POST requests")
    String contentType;
    @Option(names = "--post", paramLabel = "<url>", description = "HTTP address to make a POST request to.  data will be in the body (may be given multiple times)")
    List<String> postAddresses = new ArrayList<>();
    @Option(names = "--get", paramLabel = "<url>", description = "HTTP address to make a GET request to. '%%s' will be printf replaced with data (may be given multiple times)")
    List<String> getAddresses = new ArrayList<>();
    @Option(names = "--header", paramLabel = "<key:value>", description = "Custom header for HTTP requests (may be given multiple times)")
    List<String> headers = new ArrayList<>();
    @Mixin
    SourceOptions source = new SourceOptions();

    private final Map<String, String> customHeaders = new LinkedHashMap<>();
    private final Map<String, TimerMetrics> perAddress = new LinkedHashMap<>();
    private Destinations destinations;
    private TimerMetrics aggregate;
    private HttpClient http;
    private boolean post;

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new NsqToHttp(), args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = validate();
        if (problem != null) {
            return Tool.usage("nsq_to_http", problem);
        }
        Config config;
        try {
            config = source.config("nsq_to_http");
            destinations = new Destinations(post ? postAddresses : getAddresses, Destinations.mode(mode));
        } catch (IllegalArgumentException e) {
            return Tool.usage("nsq_to_http", e.getMessage());
        }
        for (String a : destinations.all()) {
            perAddress.put(a, new TimerMetrics(destinations.all().size() == 1 ? 0 : statusEvery, "[" + a + "]:", LOG));
        }
        aggregate = new TimerMetrics(statusEvery, "[aggregate]:", LOG);
        http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        var stop = Tool.onTermOrInt();
        Consumer consumer = source.connect(topic, channel, config, this::send, publishers);
        Tool.log(LOG, "[" + topic + "/" + channel + "] sending to " + destinations.all());
        stop.await();
        consumer.stopReceiving(Duration.ofSeconds(30).plus(requestTimeout));
        consumer.stop(Duration.ofSeconds(5));
        return 0;
    }

    private String validate() {
        for (String h : headers) {
            String[] kv = h.split(":", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                return "--header value format should be 'key=value'";
            }
            customHeaders.put(kv[0].trim(), kv[1].trim());
        }
        if (topic.isEmpty() || channel.isEmpty()) {
            return "--topic and --channel are required";
        }
        if (!contentType.equals(DEFAULT_CONTENT_TYPE)) {
            if (postAddresses.isEmpty()) {
                return "--content-type only used with --post";
            }
            if (contentType.isEmpty()) {
                return "--content-type requires a value when used";
            }
        }
        if (source.problem().isPresent()) {
            return source.problem().get();
        }
        if (getAddresses.isEmpty() && postAddresses.isEmpty()) {
            return "--get or --post required";
        }
        if (!getAddresses.isEmpty() && !postAddresses.isEmpty()) {
            return "use --get or --post not both";
        }
        for (String get : getAddresses) {
            if (get.split("%s", -1).length != 2) {
                return "invalid GET address - must be a printf string";
            }
        }
        if (sample > 1.0 || sample < 0.0) {
            return "--sample must be between 0.0 and 1.0";
        }
        if (publishers < 1) {
            return "-n must be at least 1";
        }
        post = !postAddresses.isEmpty();
        for (String a : post ? postAddresses : getAddresses) {
            try {
                URI u = URI.create(post ? a : a.replace("%s", "x"));
                if (u.getScheme() == null || u.getHost() == null) {
                    return "invalid address " + a + " (want http://host:port/path)";
                }
            } catch (IllegalArgumentException e) {
                return "invalid address " + a + ": " + e.getMessage();
            }
        }
        return null;
    }

    /** Delivers one message to one destination; throwing requeues it. */
    private void send(Handler.Delivery d) throws IOException, InterruptedException {
        if (sample < 1.0 && ThreadLocalRandom.current().nextDouble() > sample) {
            return; // not sampled: finished without sending
        }
        long start = System.nanoTime();
        String address = destinations.next();
        boolean ok = false;
        try {
            request(address, d.message().body());
            ok = true;
        } finally {
            destinations.mark(address, ok);
        }
        perAddress.get(address).status(start);
        aggregate.status(start);
    }

    private void request(String address, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder req;
        if (post) {
            req = HttpRequest.newBuilder(URI.create(address)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", contentType);
        } else {
            String escaped = URLEncoder.encode(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            req = HttpRequest.newBuilder(URI.create(address.replace("%s", escaped))).GET();
        }
        req.timeout(requestTimeout).header("User-Agent", "nsq_to_http v" + NsqVersion.NSQ);
        customHeaders.forEach(req::header);
        HttpResponse<Void> resp = http.send(req.build(), HttpResponse.BodyHandlers.discarding());
        int status = resp.statusCode();
        if (post ? status < 200 || status >= 300 : status != 200) {
            throw new IOException("got status code " + status + " from " + address);
        }
    }
}
