package io.jnsq.admin;

import static io.jnsq.admin.ClusterInfo.JSON;
import static io.jnsq.admin.ClusterInfo.enc;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topic and channel graphs of the last hour from the Prometheus given with {@code --prometheus-url}, which scrapes
 * the nsqds' {@code /metrics}: range queries over nsqd's metric names, summed over nodes.
 */
@Singleton
public class PrometheusSeries {

    static final long RANGE_SECONDS = 3600;
    static final long STEP_SECONDS = 60;

    private final AdminOptions opts;
    private final HttpClient http;

    public PrometheusSeries(AdminOptions opts) {
        this.opts = opts;
        this.http = HttpClient.newBuilder().connectTimeout(opts.httpClientConnectTimeout).build();
    }

    boolean configured() {
        return !opts.prometheusUrl.isEmpty();
    }

    /** The queries behind a topic's graphs, by title. */
    static Map<String, String> topicQueries(String topic) {
        String sel = "{topic=\"" + label(topic) + "\"}";
        Map<String, String> q = new LinkedHashMap<>();
        q.put("Messages/s", "sum(rate(nsq_topic_messages_total" + sel + "[2m]))");
        q.put("Topic depth", "sum(nsq_topic_depth" + sel + ")");
        q.put("Channel backlog", "sum(nsq_channel_depth" + sel + ")");
        return q;
    }

    /** The queries behind a channel's graphs, by title. */
    static Map<String, String> channelQueries(String topic, String channel) {
        String sel = "{topic=\"" + label(topic) + "\",channel=\"" + label(channel) + "\"}";
        Map<String, String> q = new LinkedHashMap<>();
        q.put("Messages/s", "sum(rate(nsq_channel_messages_total" + sel + "[2m]))");
        q.put("Depth", "sum(nsq_channel_depth" + sel + ")");
        q.put("In flight", "sum(nsq_channel_in_flight" + sel + ")");
        q.put("Requeued + timed out /s", "sum(rate(nsq_channel_requeued_total" + sel + "[2m])) + sum(rate(nsq_channel_timed_out_total" + sel + "[2m]))");
        return q;
    }

    /** Each query's series over the last hour, by title; a failure is thrown as what Prometheus or the network said. */
    Map<String, List<Chart.Point>> ranges(Map<String, String> queries) throws IOException {
        long end = System.currentTimeMillis() / 1000;
        Map<String, List<Chart.Point>> out = new LinkedHashMap<>();
        for (var q : queries.entrySet()) {
            out.put(q.getKey(), range(q.getValue(), end - RANGE_SECONDS, end));
        }
        return out;
    }

    private List<Chart.Point> range(String query, long start, long end) throws IOException {
        URI uri = URI.create(opts.prometheusUrl + "/api/v1/query_range?query=" + enc(query) + "&start=" + start + "&end=" + end
                + "&step=" + STEP_SECONDS);
        HttpResponse<String> resp;
        try {
            resp = http.send(HttpRequest.newBuilder(uri).timeout(opts.httpClientRequestTimeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            throw new IOException("Prometheus at " + opts.prometheusUrl + " did not answer: " + (e.getMessage() == null ? e : e.getMessage()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new IOException("Prometheus at " + opts.prometheusUrl + " answered " + resp.statusCode() + " without JSON");
        }
        if (resp.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IOException("Prometheus at " + opts.prometheusUrl + " answered " + resp.statusCode() + ": "
                    + body.path("error").asText(body.toString()));
        }
        List<Chart.Point> points = new ArrayList<>();
        JsonNode result = body.path("data").path("result");
        if (result.isArray() && !result.isEmpty()) {
            for (JsonNode v : result.get(0).path("values")) {
                double value;
                try {
                    value = Double.parseDouble(v.get(1).asText());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (Double.isFinite(value)) { // NaN and infinities are gaps
                    points.add(new Chart.Point(v.get(0).asDouble(), value));
                }
            }
        }
        return points;
    }

    /** A label value inside a PromQL string. */
    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
