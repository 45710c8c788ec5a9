package io.jnsq.operator.drain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Empties a broker before it is removed: its topics are tombstoned in every lookupd (consumers stop being sent there;
 * producers publishing elsewhere are unaffected), then it is drained once every topic and channel on it is empty:
 * nothing queued in memory or on disk, in flight or deferred. Each check is asynchronous (the reconciler never waits
 * on a broker); checks are repeated until one says drained.
 */
public class NsqdDrain {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Where a drain stands: done, or how many messages still wait on the broker (-1: unknown). */
    public record Progress(boolean drained, long remaining, String detail) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One check of the broker at {@code nsqdHttp}: tombstones its topics at every lookupd, counts what is left. */
    public CompletableFuture<Progress> check(String nsqdHttp, List<String> lookupdHttps) {
        return get(nsqdHttp, "/info").thenCompose(info -> {
            String node = info.path("broadcast_address").asText() + ":" + info.path("http_port").asInt();
            return get(nsqdHttp, "/stats?format=json&include_clients=false").thenCompose(stats -> {
                long remaining = 0;
                List<CompletableFuture<Void>> tombstones = new ArrayList<>();
                for (JsonNode t : stats.path("topics")) {
                    String topic = t.path("topic_name").asText();
                    for (String lookupd : lookupdHttps) {
                        tombstones.add(post(lookupd, "/topic/tombstone?topic=" + enc(topic) + "&node=" + enc(node)));
                    }
                    remaining += t.path("depth").asLong();
                    for (JsonNode c : t.path("channels")) {
                        remaining += c.path("depth").asLong() + c.path("in_flight_count").asLong() + c.path("deferred_count").asLong();
                    }
                }
                long left = remaining;
                return CompletableFuture.allOf(tombstones.toArray(CompletableFuture[]::new)).thenApply(v ->
                        new Progress(left == 0, left, left == 0 ? "drained" : left + " messages still on " + node));
            });
        }).exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return new Progress(false, -1, "cannot reach " + nsqdHttp + ": " + why);
        });
    }

    private CompletableFuture<JsonNode> get(String address, String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                    if (r.statusCode() != 200) {
                        throw new UncheckedIOException(new IOException(path + " answered " + r.statusCode()));
                    }
                    try {
                        return JSON.readTree(r.body());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private CompletableFuture<Void> post(String address, String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
                    if (r.statusCode() != 200 && r.statusCode() != 404) { // 404: that lookupd never knew the topic there
                        throw new UncheckedIOException(new IOException(address + path + " answered " + r.statusCode() + " " + r.body()));
                    }
                });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
