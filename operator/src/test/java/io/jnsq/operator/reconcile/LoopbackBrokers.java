package io.jnsq.operator.reconcile;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jnsq.operator.drain.BrokerEndpoints;
import io.jnsq.operator.model.ClusterNames;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The brokers of the clusters under test, as the operator reaches them over HTTP: there are no pods here, so each
 * nsqd the test registers is a small HTTP server on 127.0.0.1 answering {@code /info} and {@code /stats} with the
 * depth the test sets, and one lookupd records the tombstones it is sent and lists the brokers the test registers. Unregistered brokers are unreachable.
 * Replaces the DNS names the operator uses in a real cluster (OperatorBeans' default).
 */
@Singleton
public class LoopbackBrokers implements BrokerEndpoints {

    private final Map<String, Nsqd> nsqds = new ConcurrentHashMap<>();
    private final List<String> tombstones = new CopyOnWriteArrayList<>();
    private final List<String> registered = new CopyOnWriteArrayList<>();
    private final HttpServer lookupd;

    public LoopbackBrokers() throws IOException {
        lookupd = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lookupd.createContext("/nodes", ex -> answer(ex, 200, "{\"producers\":[" + String.join(",", registered.stream()
                .map(a -> "{\"broadcast_address\":\"" + a + "\",\"tcp_port\":4150,\"http_port\":4151}").toList()) + "]}"));
        lookupd.createContext("/topic/tombstone", ex -> {
            tombstones.add(ex.getRequestURI().getQuery());
            answer(ex, 200, "");
        });
        lookupd.start();
    }

    /** A broker holding {@code depth} messages in topic "orders" until the test changes it. */
    public Nsqd register(String namespace, String cluster, int ordinal, long depth) throws IOException {
        Nsqd n = new Nsqd(depth);
        nsqds.put(namespace + "/" + cluster + "/" + ordinal, n);
        return n;
    }

    /** A broker (by its broadcast address) now registered with the lookupd. */
    public void registerWithLookupd(String broadcastAddress) {
        registered.add(broadcastAddress);
    }

    public List<String> tombstones() {
        return tombstones;
    }

    @Override
    public String nsqdHttp(ClusterNames names, int ordinal) {
        Nsqd n = nsqds.get(names.namespace() + "/" + names.cluster() + "/" + ordinal);
        return n == null ? "127.0.0.1:1" : "127.0.0.1:" + n.server.getAddress().getPort();
    }

    @Override
    public List<String> lookupdHttp(ClusterNames names, int replicas) {
        return List.of("127.0.0.1:" + lookupd.getAddress().getPort());
    }

    @PreDestroy
    void stop() {
        lookupd.stop(0);
        nsqds.values().forEach(n -> n.server.stop(0));
    }

    private static void answer(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    /** One simulated nsqd's HTTP API. */
    public static final class Nsqd {
        volatile long depth;
        final HttpServer server;

        Nsqd(long depth) throws IOException {
            this.depth = depth;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/info", ex -> answer(ex, 200,
                    "{\"broadcast_address\":\"127.0.0.1\",\"http_port\":" + server.getAddress().getPort() + "}"));
            server.createContext("/stats", ex -> answer(ex, 200,
                    "{\"topics\":[{\"topic_name\":\"orders\",\"depth\":" + this.depth + ",\"channels\":[]}]}"));
            server.start();
        }

        public void depth(long d) {
            depth = d;
        }
    }
}
