package io.jnsq.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.protocol.Message;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes a topic's channel from every nsqd that has it: given nsqd addresses directly, and/or discovered by polling
 * lookupds' {@code /lookup} (with jitter). {@code maxInFlight} is spread across the connections as RDY. Messages are
 * handled by {@code concurrency} threads (one by default: in arrival order); a handler that returns finishes the
 * message, one that throws requeues it with a growing delay and makes the consumer back off (RDY 0 everywhere for
 * {@code backoffMultiplier} doubled per failure in a row, up to {@code maxBackoffDuration}); one past
 * {@code maxAttempts} is finished and reported. {@link #stop()} stops taking messages, waits for the ones being
 * handled, and closes.
 */
public final class Consumer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final String channel;
    private final Config config;
    private final Handler handler;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final List<String> lookupds = new ArrayList<>();
    private final ExecutorService worker;
    private final ScheduledExecutorService poller;
    private final HttpClient http;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile boolean stopping;
    private volatile boolean backingOff;

    public Consumer(String topic, String channel, Config config, Handler handler) {
        this(topic, channel, config, handler, 1);
    }

    public Consumer(String topic, String channel, Config config, Handler handler, int concurrency) {
        this.topic = topic;
        this.channel = channel;
        this.config = config;
        this.handler = handler;
        AtomicInteger threads = new AtomicInteger();
        this.worker = Executors.newFixedThreadPool(Math.max(1, concurrency),
                r -> daemon(r, "nsq-handler-" + topic + "-" + threads.incrementAndGet()));
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "nsq-lookup-" + topic));
        this.http = HttpClient.newBuilder().connectTimeout(config.dialTimeout).build();
    }

    /** Connects to these nsqds now; failures are thrown. */
    public void connectToNsqds(List<String> addresses) throws IOException {
        for (String a : addresses) {
            connect(a);
        }
    }

    /** Polls these lookupds now and every {@code lookupdPollInterval}; throws when none answers the first time. */
    public void connectToLookupds(List<String> httpAddresses) throws IOException {
        lookupds.addAll(httpAddresses);
        IOException last = null;
        boolean anyAnswered = false;
        for (String l : httpAddresses) {
            try {
                queryLookupd(l);
                anyAnswered = true;
            } catch (IOException e) {
                last = e;
            }
        }
        if (!anyAnswered && last != null) {
            throw last;
        }
        long interval = config.lookupdPollInterval.toMillis();
        poller.scheduleWithFixedDelay(() -> {
            for (String l : lookupds) {
                try {
                    queryLookupd(l);
                } catch (IOException e) {
                    System.err.println("nsq: lookupd " + l + ": " + e.getMessage());
                }
            }
        }, interval + ThreadLocalRandom.current().nextLong(interval / 10 + 1), interval, TimeUnit.MILLISECONDS);
    }

    public long received() {
        return received.get();
    }

    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops taking messages (RDY 0 everywhere) and waits up to {@code timeout} for those already delivered to be
     * handled. Connections stay open, so messages the handler kept can still be finished or requeued.
     */
    public void stopReceiving(Duration timeout) {
        stopping = true;
        poller.shutdownNow();
        for (Connection c : connections.values()) {
            try {
                c.write("RDY 0");
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        worker.shutdown();
        try {
            worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stopReceiving}, then closes every connection (the broker requeues anything still unanswered). */
    public void stop(Duration timeout) {
        stopReceiving(timeout);
        for (Connection c : connections.values()) {
            try {
                c.command("CLS");
            } catch (IOException ignored) {
                // the broker requeues what was in flight when the connection goes
            }
            c.close();
        }
        connections.clear();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    private void queryLookupd(String lookupd) throws IOException {
        String base = lookupd.startsWith("http") ? lookupd : "http://" + lookupd;
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/lookup?topic="
                + URLEncoder.encode(topic, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            throw new NsqException("cannot reach lookupd at " + lookupd + ": " + e.getMessage(), e);
        }
        if (resp.statusCode() == 404) {
            return; // the topic does not exist yet: keep polling
        }
        if (resp.statusCode() != 200) {
            throw new NsqException("lookupd " + lookupd + " answered " + resp.statusCode() + " " + resp.body());
        }
        JsonNode producers = JSON.readTree(resp.body()).path("producers");
        for (JsonNode p : producers) {
            String address = p.path("broadcast_address").asText() + ":" + p.path("tcp_port").asInt();
            if (!connections.containsKey(address)) {
                try {
                    connect(address);
                } catch (IOException e) {
                    System.err.println("nsq: " + e.getMessage());
                }
            }
        }
    }

    private synchronized void connect(String address) throws IOException {
        if (stopping || connections.containsKey(address)) {
            return;
        }
        Connection c = new Connection(address, config);
        c.onMessage(m -> {
            if (stopping) {
                return; // arrived after RDY 0: the broker requeues it when the connection closes
            }
            received.incrementAndGet();
            inFlight.incrementAndGet();
            try {
                worker.execute(() -> handle(c, m));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                inFlight.decrementAndGet(); // stopping: as above
            }
        });
        c.onClose(() -> {
            connections.remove(address, c);
            redistributeReady();
        });
        c.command("SUB " + topic + " " + channel);
        connections.put(address, c);
        redistributeReady();
    }

    private synchronized void redistributeReady() {
        if (stopping || backingOff || connections.isEmpty()) {
            return;
        }
        int each = Math.max(1, config.maxInFlight / connections.size());
        for (Connection c : connections.values()) {
            try {
                c.write("RDY " + each);
            } catch (IOException ignored) {
                // its close handler redistributes
            }
        }
    }

    private void handle(Connection c, Message m) {
        String id = m.idString();
        boolean[] answered = {false};
        Handler.Delivery delivery = new Handler.Delivery() {
            @Override
            public Message message() {
                return m;
            }

            @Override
            public String topic() {
                return topic;
            }

            @Override
            public void finish() {
                answered[0] = true;
                send(c, "FIN " + id);
            }

            @Override
            public void requeue(Duration delay) {
                answered[0] = true;
                send(c, "REQ " + id + " " + delay.toMillis());
            }

            @Override
            public void touch() {
                send(c, "TOUCH " + id);
            }

            @Override
            public void disableAutoResponse() {
                answered[0] = true;
            }
        };
        try {
            if (config.maxAttempts > 0 && m.attempts() > config.maxAttempts) {
                System.err.println("nsq: giving up on message " + id + " after " + m.attempts() + " attempts");
                delivery.finish();
                return;
            }
            handler.handle(delivery);
            if (!answered[0]) {
                delivery.finish();
            }
            failuresInARow.updateAndGet(n -> Math.max(0, n - 1));
        } catch (Exception e) {
            System.err.println("nsq: handling message " + id + " (attempt " + m.attempts() + ") failed: "
                    + (e.getMessage() == null ? e : e.getMessage()));
            if (!answered[0]) {
                long delay = Math.min(config.requeueDelay.toMillis() * m.attempts(), config.maxRequeueDelay.toMillis());
                delivery.requeue(Duration.ofMillis(delay));
            }
            backOff();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Stops taking messages for a while after a failure, longer for each failure in a row. */
    private void backOff() {
        if (config.backoffMultiplier.isZero()) {
            return;
        }
        int level = Math.min(failuresInARow.incrementAndGet(), 20);
        long millis = Math.min(config.backoffMultiplier.toMillis() << (level - 1), config.maxBackoffDuration.toMillis());
        synchronized (this) {
            if (backingOff || stopping) {
                return;
            }
            backingOff = true;
            for (Connection c : connections.values()) {
                send(c, "RDY 0");
            }
        }
        try {
            poller.schedule(() -> {
                backingOff = false;
                redistributeReady();
            }, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // stopping: nothing more to take
        }
    }

    private static void send(Connection c, String line) {
        try {
            c.write(line);
        } catch (IOException e) {
            // the broker times the message out and redelivers it
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
