package io.jnsq.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Empties a broker before it is removed: its topics are tombstoned in every lookupd (consumers stop being sent there;
 * producers publishing elsewhere are unaffected), then it is drained once every topic and channel on it is empty:
 * nothing queued in memory or on disk, in flight or deferred. Called again and again until it says so.
 */
public class NsqdDrain {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a drain stands: done, or how many messages still wait on the broker. */
    public record Progress(boolean drained, long remaining, String detail) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public Progress step(String nsqdHttp, List<String> lookupdHttps) {
        try {
            JsonNode info = get(nsqdHttp, "/info");
            String node = info.path("broadcast_address").asText() + ":" + info.path("http_port").asInt();
            JsonNode stats = get(nsqdHttp, "/stats?format=json&include_clients=false");
            long remaining = 0;
            for (JsonNode t : stats.path("topics")) {
                String topic = t.path("topic_name").asText();
                for (String lookupd : lookupdHttps) {
                    post(lookupd, "/topic/tombstone?topic=" + enc(topic) + "&node=" + enc(node));
                }
                remaining += t.path("depth").asLong();
                for (JsonNode c : t.path("channels")) {
                    remaining += c.path("depth").asLong() + c.path("in_flight_count").asLong() + c.path("deferred_count").asLong();
                }
            }
            return new Progress(remaining == 0, remaining, remaining == 0 ? "drained"
                    : remaining + " messages still on " + node);
        } catch (IOException e) {
            return new Progress(false, -1, "cannot reach " + nsqdHttp + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Progress(false, -1, "interrupted");
        }
    }

    private JsonNode get(String address, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    private void post(String address, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 404) { // 404: that lookupd never knew the topic there
            throw new IOException(address + path + " answered " + r.statusCode() + " " + r.body());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
