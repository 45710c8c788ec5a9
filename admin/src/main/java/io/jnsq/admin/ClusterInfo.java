package io.jnsq.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * How nsqadmin learns the cluster: lookupds' {@code /nodes}, {@code /topics}, {@code /lookup}, {@code /channels} (or,
 * with {@code --nsqd-http-address}, each nsqd's {@code /info} and {@code /stats}), asked in parallel with the
 * configured timeouts. A server that fails is a warning while another answered, an {@link UpstreamException} when
 * none did. Also sends the actions (create, delete, pause, empty, tombstone) to those servers.
 */
@Singleton
public class ClusterInfo {

    static final ObjectMapper JSON = new ObjectMapper();

    private final AdminOptions opts;
    private final HttpClient http;
    private volatile List<String> lookupds;
    private final java.util.Map<String, Integer> httpsPorts = new java.util.concurrent.ConcurrentHashMap<>();

    public ClusterInfo(AdminOptions opts) {
        this.opts = opts;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(opts.httpClientConnectTimeout);
        if (opts.httpClientTlsInsecureSkipVerify || !opts.httpClientTlsRootCaFile.isEmpty() || !opts.httpClientTlsCert.isEmpty()) {
            io.jnsq.client.Config tls = new io.jnsq.client.Config();
            tls.tlsInsecureSkipVerify = opts.httpClientTlsInsecureSkipVerify;
            tls.tlsRootCaFile = opts.httpClientTlsRootCaFile;
            tls.tlsCert = opts.httpClientTlsCert;
            tls.tlsKey = opts.httpClientTlsKey;
            try {
                b.sslContext(io.jnsq.client.ClientTls.of(tls).context());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        this.http = b.build();
        this.lookupds = List.copyOf(opts.lookupdHttpAddresses);
    }

    List<String> lookupds() {
        return lookupds;
    }

    void setLookupds(List<String> addresses) {
        this.lookupds = List.copyOf(addresses);
    }

    boolean usesLookupd() {
        return !lookupds.isEmpty();
    }

    // ---- reads

    /** Every nsqd: from the lookupds (merged by address, tombstones kept), or from each given nsqd's /info. */
    List<Producer> producers(Warnings w) throws UpstreamException {
        if (!usesLookupd()) {
            return nsqdProducers(w);
        }
        Map<String, List<JsonNode>> answers = fromEveryLookupd("/nodes", w);
        Map<String, Producer> byAddress = new LinkedHashMap<>();
        Map<String, List<String>> remotes = new LinkedHashMap<>();
        for (var e : answers.entrySet()) {
            for (JsonNode p : e.getValue().get(0).path("producers")) {
                Producer producer = producer(p, List.of());
                byAddress.putIfAbsent(producer.httpAddress(), producer);
                remotes.computeIfAbsent(producer.httpAddress(), k -> new ArrayList<>())
                        .add(e.getKey() + "/" + p.path("remote_address").asText());
            }
        }
        String newest = byAddress.values().stream().map(Producer::version).max(ClusterInfo::compareVersions).orElse("");
        List<Producer> out = new ArrayList<>();
        for (Producer p : byAddress.values()) {
            out.add(new Producer(remotes.get(p.httpAddress()), p.remoteAddress(), p.hostname(), p.broadcastAddress(),
                    p.tcpPort(), p.httpPort(), p.version(), p.topics(), compareVersions(p.version(), newest) < 0));
        }
        out.sort(Comparator.comparing(Producer::hostname).thenComparing(Producer::httpAddress));
        return out;
    }

    /** Every topic name, sorted. */
    List<String> topics(Warnings w) throws UpstreamException {
        TreeSet<String> topics = new TreeSet<>();
        if (usesLookupd()) {
            for (List<JsonNode> a : fromEveryLookupd("/topics", w).values()) {
                a.get(0).path("topics").forEach(t -> topics.add(t.asText()));
            }
        } else {
            for (JsonNode stats : nsqdStats(opts.nsqdHttpAddresses, "", "", false, w).values()) {
                stats.path("topics").forEach(t -> topics.add(t.path("topic_name").asText()));
            }
        }
        return new ArrayList<>(topics);
    }

    /** The channels lookupds know for a topic (registered by nsqds or created through lookupd). */
    List<String> lookupdChannels(String topic, Warnings w) throws UpstreamException {
        TreeSet<String> channels = new TreeSet<>();
        for (List<JsonNode> a : fromEveryLookupd("/channels?topic=" + enc(topic), w).values()) {
            a.get(0).path("channels").forEach(c -> channels.add(c.asText()));
        }
        return new ArrayList<>(channels);
    }

    /** Each topic's channels as the lookupds know them, asked for all topics at once (in parallel). */
    Map<String, List<String>> lookupdChannels(List<String> topics, Warnings w) {
        Map<String, CompletableFuture<List<String>>> pending = new LinkedHashMap<>();
        for (String t : topics) {
            List<CompletableFuture<JsonNode>> answers = lookupds.stream().map(l -> send(l, "GET", "/channels?topic=" + enc(t))).toList();
            pending.put(t, CompletableFuture.allOf(answers.stream().map(a -> a.exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new)).thenApply(v -> {
                        TreeSet<String> channels = new TreeSet<>();
                        for (CompletableFuture<JsonNode> a : answers) {
                            JsonNode n = a.exceptionally(e -> null).join();
                            if (n != null) {
                                n.path("channels").forEach(c -> channels.add(c.asText()));
                            }
                        }
                        return new ArrayList<>(channels);
                    }));
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        pending.forEach((t, f) -> out.put(t, f.join()));
        return out;
    }

    /** The nsqds that have a topic. */
    List<Producer> topicProducers(String topic, Warnings w) throws UpstreamException {
        if (!usesLookupd()) {
            List<Producer> out = new ArrayList<>();
            Map<String, JsonNode> stats = nsqdStats(opts.nsqdHttpAddresses, topic, "", false, w);
            for (Producer p : nsqdProducers(w)) {
                JsonNode s = stats.get(p.httpAddress());
                if (s != null && hasTopic(s, topic)) {
                    out.add(p);
                }
            }
            return out;
        }
        Map<String, Producer> byAddress = new LinkedHashMap<>();
        for (List<JsonNode> a : fromEveryLookupd("/lookup?topic=" + enc(topic), w).values()) {
            for (JsonNode p : a.get(0).path("producers")) {
                Producer producer = producer(p, List.of());
                byAddress.putIfAbsent(producer.httpAddress(), producer);
            }
        }
        return new ArrayList<>(byAddress.values());
    }

    /** {@code /stats?format=json} of each node (by HTTP address), filtered to a topic/channel when given. */
    Map<String, JsonNode> nsqdStats(List<String> nodes, String topic, String channel, boolean includeClients, Warnings w)
            throws UpstreamException {
        String path = "/stats?format=json&include_clients=" + includeClients
                + (topic.isEmpty() ? "" : "&topic=" + enc(topic)) + (channel.isEmpty() ? "" : "&channel=" + enc(channel));
        Map<String, List<JsonNode>> answers = fromEach(nodes, path, "nsqd", w);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        answers.forEach((node, a) -> out.put(node, a.get(0)));
        return out;
    }

    static boolean hasTopic(JsonNode stats, String topic) {
        for (JsonNode t : stats.path("topics")) {
            if (t.path("topic_name").asText().equals(topic)) {
                return true;
            }
        }
        return false;
    }

    private List<Producer> nsqdProducers(Warnings w) throws UpstreamException {
        Map<String, List<JsonNode>> infos = fromEach(opts.nsqdHttpAddresses, "/info", "nsqd", w);
        Map<String, JsonNode> stats = nsqdStats(new ArrayList<>(infos.keySet()), "", "", false, w);
        List<Producer> out = new ArrayList<>();
        for (var e : infos.entrySet()) {
            List<Producer.ProducerTopic> topics = new ArrayList<>();
            JsonNode s = stats.get(e.getKey());
            if (s != null) {
                s.path("topics").forEach(t -> topics.add(new Producer.ProducerTopic(t.path("topic_name").asText(), false)));
            }
            topics.sort(Comparator.comparing(Producer.ProducerTopic::topic));
            JsonNode info = e.getValue().get(0);
            // nsqadmin names an nsqd given by address by that address, whatever it broadcasts
            int colon = e.getKey().lastIndexOf(':');
            out.add(new Producer(List.of(), "", info.path("hostname").asText(), e.getKey().substring(0, colon),
                    info.path("tcp_port").asInt(), Integer.parseInt(e.getKey().substring(colon + 1)),
                    info.path("version").asText(), topics, false));
        }
        return out;
    }

    private static Producer producer(JsonNode p, List<String> remotes) {
        List<Producer.ProducerTopic> topics = new ArrayList<>();
        JsonNode names = p.path("topics");
        JsonNode tombstones = p.path("tombstones");
        for (int i = 0; i < names.size(); i++) {
            topics.add(new Producer.ProducerTopic(names.get(i).asText(), tombstones.path(i).asBoolean(false)));
        }
        topics.sort(Comparator.comparing(Producer.ProducerTopic::topic));
        return new Producer(remotes, p.path("remote_address").asText(), p.path("hostname").asText(),
                p.path("broadcast_address").asText(), p.path("tcp_port").asInt(), p.path("http_port").asInt(),
                p.path("version").asText(), topics, false);
    }

    private Map<String, List<JsonNode>> fromEveryLookupd(String path, Warnings w) throws UpstreamException {
        return fromEach(lookupds, path, "nsqlookupd", w);
    }

    /** GETs {@code path} from every address in parallel; the answers by address (each a one-element list). */
    private Map<String, List<JsonNode>> fromEach(List<String> addresses, String path, String kind, Warnings w)
            throws UpstreamException {
        return everywhere(addresses, a -> send(a, "GET", path), kind, w);
    }

    /** Runs {@code call} on every address in parallel; all failing is an UpstreamException, some failing warnings. */
    Map<String, List<JsonNode>> everywhere(List<String> addresses, Function<String, CompletableFuture<JsonNode>> call,
            String kind, Warnings w) throws UpstreamException {
        Map<String, CompletableFuture<JsonNode>> pending = new LinkedHashMap<>();
        for (String a : addresses) {
            pending.put(a, call.apply(a));
        }
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (var e : pending.entrySet()) {
            try {
                out.put(e.getKey(), List.of(e.getValue().join()));
            } catch (Exception ex) {
                Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
                errors.put(e.getKey(), cause.getMessage());
            }
        }
        if (out.isEmpty() && !errors.isEmpty()) {
            throw new UpstreamException("failed to query any " + kind + ": " + String.join("; ", errors.values()));
        }
        errors.forEach(w::failed);
        return out;
    }

    /** Asks each node for {@code /ping} in parallel (each within the request timeout); those that fail go to {@code w}. */
    void ping(List<String> nodes, Warnings w) {
        Map<String, CompletableFuture<JsonNode>> pending = new LinkedHashMap<>();
        nodes.forEach(n -> pending.put(n, send(n, "GET", "/ping")));
        pending.forEach((node, answer) -> {
            try {
                answer.join();
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                w.failed(node, cause.getMessage());
            }
        });
    }

    /** One request to a server; the JSON answer, or a failed future saying what went wrong as nsqadmin words it. */
    CompletableFuture<JsonNode> send(String address, String method, String path) {
        return send(address, method, path, null);
    }

    /** One request with an optional body; the JSON answer, or a failed future saying what went wrong. */
    CompletableFuture<JsonNode> send(String address, String method, String path, byte[] body) {
        return exchange(address, method, path, body).thenApply(resp -> {
            if (resp.statusCode() != 200) {
                throw new java.util.concurrent.CompletionException(new IOException("got response " + resp.statusCode()
                        + " " + reason(resp.statusCode()) + " " + goQuote(resp.body())));
            }
            try {
                return resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body());
            } catch (IOException e) {
                return JSON.getNodeFactory().textNode(resp.body()); // /ping and friends answer plain text
            }
        });
    }

    /**
     * One HTTP exchange. An nsqd started with {@code --tls-required=true} answers plain HTTP with 403
     * {@code TLS_REQUIRED} and its HTTPS port: the request is made again there (and later ones go there at once),
     * verified with the {@code --http-client-tls-*} settings.
     */
    private CompletableFuture<HttpResponse<String>> exchange(String address, String method, String path, byte[] body) {
        Integer https = httpsPorts.get(address);
        String base = https == null ? "http://" + address : "https://" + hostOf(address) + ":" + https;
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(opts.httpClientRequestTimeout).header("Accept", "application/vnd.nsq; version=1.0")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
            if (err != null) {
                Throwable cause = err.getCause() != null ? err.getCause() : err;
                throw new java.util.concurrent.CompletionException(new IOException(
                        method + " " + base + path + " failed: " + (cause.getMessage() == null ? cause : cause.getMessage())));
            }
            return resp;
        }).thenCompose(resp -> {
            Integer port = https == null && resp.statusCode() == 403 ? tlsRequiredPort(resp.body()) : null;
            if (port == null) {
                return CompletableFuture.completedFuture(resp);
            }
            httpsPorts.put(address, port);
            return exchange(address, method, path, body);
        });
    }

    /** The HTTPS port in nsqd's {@code {"message": "TLS_REQUIRED", "https_port": N}}, or null for any other answer. */
    private static Integer tlsRequiredPort(String body) {
        if (!body.contains("\"TLS_REQUIRED\"")) {
            return null;
        }
        try {
            int port = JSON.readTree(body).path("https_port").asInt(0);
            return port > 0 ? port : null;
        } catch (IOException e) {
            return null;
        }
    }

    // ---- actions

    /** POSTs an action path (e.g. {@code /topic/pause?topic=t}) to every address; see {@link #everywhere}. */
    void postEverywhere(List<String> addresses, String path, String kind, Warnings w) throws UpstreamException {
        everywhere(addresses, a -> send(a, "POST", path), kind, w);
    }

    private static String hostOf(String address) {
        return address.substring(0, address.lastIndexOf(':'));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Request Entity Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }

    /** Semantic-version order of "1.3.0"-style strings; anything unparsable sorts first. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(num(x, i), num(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int num(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
