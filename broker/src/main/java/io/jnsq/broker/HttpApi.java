package io.jnsq.broker;

import static io.jnsq.protocol.http.NsqHttp.empty;
import static io.jnsq.protocol.http.NsqHttp.error;
import static io.jnsq.protocol.http.NsqHttp.json;
import static io.jnsq.protocol.http.NsqHttp.route;

import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.http.NsqHttp;
import io.jnsq.protocol.stats.NsqdStats;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * nsqd's HTTP API on {@code --http-address}: the same paths, methods, status codes, bodies and headers as nsqd
 * v1.3.0 (including its 404 and 405 answers), plus the pre-1.0 names ({@code /put}, {@code /create_topic}, ...)
 * that older clients still call.
 */
@Singleton
public class HttpApi {

    private static final Logger LOG = Logger.getLogger(HttpApi.class);
    private static final String NSQ_CONTENT_TYPE = "X-Nsq-Content-Type";
    private static final Map<String, Boolean> BOOL_PARAMS = Map.of("true", true, "1", true, "false", false, "0", false);

    private final Nsqd nsqd;
    private final NsqdOptions opts;
    private final NsqdConfig config;

    @Inject
    public HttpApi(Nsqd nsqd, NsqdOptions opts, Event<LookupdAddressesChanged> lookupdChanges) {
        this.nsqd = nsqd;
        this.opts = opts;
        this.config = new NsqdConfig(opts, lookupdChanges);
    }

    void routes(@Observes Router router) {
        NsqHttp.malformedRequests(router, HttpApi::readsQuery, LOG::warn, LOG::error);
        // Bodies are read whole (bounded a little above nsqd's own limits, which the handlers then apply exactly).
        long limit = Math.max(opts.maxBodySize, opts.maxMsgSize) + 1;
        // nsqd reads a body raw whatever its Content-Type; `curl -d` labels it a form, which Vert.x would also decode
        // (and refuse past its form limits), so the label is dropped before the body is read.
        router.route().order(-201).handler(ctx -> {
            ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
            ctx.next();
        });
        router.route().order(-200).handler(BodyHandler.create(false).setBodyLimit(limit).setHandleFileUploads(false));
        route(router, "/ping", Set.of(HttpMethod.GET), this::ping);
        route(router, "/info", Set.of(HttpMethod.GET), this::info);
        route(router, "/pub", Set.of(HttpMethod.POST), this::pub);
        route(router, "/mpub", Set.of(HttpMethod.POST), this::mpub);
        route(router, "/stats", Set.of(HttpMethod.GET), this::stats);
        route(router, "/topic/create", Set.of(HttpMethod.POST), this::createTopic);
        route(router, "/topic/delete", Set.of(HttpMethod.POST), this::deleteTopic);
        route(router, "/topic/empty", Set.of(HttpMethod.POST), this::emptyTopic);
        route(router, "/topic/pause", Set.of(HttpMethod.POST), ctx -> pauseTopic(ctx, true));
        route(router, "/topic/unpause", Set.of(HttpMethod.POST), ctx -> pauseTopic(ctx, false));
        route(router, "/channel/create", Set.of(HttpMethod.POST), this::createChannel);
        route(router, "/channel/delete", Set.of(HttpMethod.POST), this::deleteChannel);
        route(router, "/channel/empty", Set.of(HttpMethod.POST), this::emptyChannel);
        route(router, "/channel/pause", Set.of(HttpMethod.POST), ctx -> pauseChannel(ctx, true));
        route(router, "/channel/unpause", Set.of(HttpMethod.POST), ctx -> pauseChannel(ctx, false));
        route(router, "/config/:opt", Set.of(HttpMethod.GET, HttpMethod.PUT), this::config);
        // pre-1.0 names, as older clients and the NSQ quick start use them, with the methods nsqd v0.3.8 (the last to
        // have them) routed: POST for the publishes, GET and POST for the actions; nsqd v1.3.0 answers 404 to all
        Set<HttpMethod> postOnly = Set.of(HttpMethod.POST);
        Set<HttpMethod> getOrPost = Set.of(HttpMethod.GET, HttpMethod.POST);
        route(router, "/put", postOnly, this::pub);
        route(router, "/mput", postOnly, this::mpub);
        route(router, "/create_topic", getOrPost, this::createTopic);
        route(router, "/delete_topic", getOrPost, this::deleteTopic);
        route(router, "/empty_topic", getOrPost, this::emptyTopic);
        route(router, "/pause_topic", getOrPost, ctx -> pauseTopic(ctx, true));
        route(router, "/unpause_topic", getOrPost, ctx -> pauseTopic(ctx, false));
        route(router, "/create_channel", getOrPost, this::createChannel);
        route(router, "/delete_channel", getOrPost, this::deleteChannel);
        route(router, "/empty_channel", getOrPost, this::emptyChannel);
        route(router, "/pause_channel", getOrPost, ctx -> pauseChannel(ctx, true));
        route(router, "/unpause_channel", getOrPost, ctx -> pauseChannel(ctx, false));
        NsqHttp.notFoundExcept(router, Set.of("/metrics"));
    }

    /**
     * Whether nsqd's handler for this request parses its query (a query it cannot decode is then 400
     * {@code INVALID_REQUEST}): the publishes, /stats and the topic and channel actions, with the method they are
     * routed for (the pre-1.0 names as their current twins). /ping, /info, /config and what is not routed ignore it.
     */
    private static boolean readsQuery(io.vertx.core.http.HttpServerRequest request) {
        String path = request.path();
        HttpMethod method = request.method();
        if (path.equals("/stats")) {
            return method == HttpMethod.GET;
        }
        if (path.equals("/pub") || path.equals("/mpub") || path.equals("/put") || path.equals("/mput")
                || path.matches("/(topic|channel)/(create|delete|empty|pause|unpause)")) {
            return method == HttpMethod.POST;
        }
        return path.matches("/(create|delete|empty|pause|unpause)_(topic|channel)")
                && (method == HttpMethod.GET || method == HttpMethod.POST);
    }

    // ---- handlers ----

    private void ping(RoutingContext ctx) {
        String health = nsqd.health();
        ctx.response().setStatusCode(nsqd.isHealthy() ? 200 : 500).putHeader("Content-Type", NsqHttp.TEXT_TYPE).end(health);
    }

    private void info(RoutingContext ctx) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", NsqVersion.NSQ);
        info.put("broadcast_address", opts.broadcastAddress);
        info.put("hostname", NsqdOptions.hostname());
        int httpPort = opts.advertisedHttpPort() != 0 ? opts.advertisedHttpPort() : ctx.request().localAddress().port();
        info.put("http_port", httpPort);
        info.put("tcp_port", opts.advertisedTcpPort() != 0 ? opts.advertisedTcpPort() : tcpPortHint());
        info.put("start_time", nsqd.startTime());
        info.put("max_heartbeat_interval", opts.maxHeartbeatInterval.toNanos());
        info.put("max_output_buffer_size", opts.maxOutputBufferSize);
        info.put("max_output_buffer_timeout", opts.maxOutputBufferTimeout.toNanos());
        info.put("max_deflate_level", opts.maxDeflateLevel);
        json(ctx, info);
    }

    private void pub(RoutingContext ctx) {
        if (contentLength(ctx) > opts.maxMsgSize) {
            error(ctx, 413, "MSG_TOO_BIG");
            return;
        }
        body(ctx, body -> {
            if (body.length() > opts.maxMsgSize) {
                error(ctx, 413, "MSG_TOO_BIG");
                return;
            }
            if (body.length() == 0) {
                error(ctx, 400, "MSG_EMPTY");
                return;
            }
            String topicName = topicForPublish(ctx);
            if (topicName == null) {
                return;
            }
            long deferMs = 0;
            String d = ctx.request().getParam("defer");
            if (d != null) {
                try {
                    deferMs = Long.parseLong(d);
                } catch (NumberFormatException e) {
                    error(ctx, 400, "INVALID_DEFER");
                    return;
                }
                if (deferMs < 0 || deferMs > opts.maxReqTimeout.toMillis()) {
                    error(ctx, 400, "INVALID_DEFER");
                    return;
                }
            }
            Message m = nsqd.newMessage(body.getBytes());
            if (deferMs > 0) {
                m.deferredUntil = System.nanoTime() + deferMs * 1_000_000L;
            }
            publish(ctx, topicName, List.of(m));
        });
    }

    private void mpub(RoutingContext ctx) {
        if (contentLength(ctx) > opts.maxBodySize) {
            error(ctx, 413, "BODY_TOO_BIG");
            return;
        }
        String topicName = topicForPublish(ctx);
        if (topicName == null) {
            return;
        }
        boolean binary = false;
        String b = ctx.request().getParam("binary");
        if (b != null) {
            binary = BOOL_PARAMS.getOrDefault(b, true);
        }
        boolean binaryMode = binary;
        body(ctx, body -> {
            if (body.length() > opts.maxBodySize) {
                error(ctx, 413, "BODY_TOO_BIG");
                return;
            }
            List<Message> messages = new ArrayList<>();
            byte[] bytes = body.getBytes();
            if (binaryMode) {
                String problem = readBinaryMpub(bytes, messages);
                if (problem != null) {
                    error(ctx, 413, problem);
                    return;
                }
            } else {
                int start = 0;
                for (int i = 0; i <= bytes.length; i++) {
                    if (i == bytes.length || bytes[i] == '\n') {
                        int len = i - start;
                        if (len > opts.maxMsgSize) {
                            error(ctx, 413, "MSG_TOO_BIG");
                            return;
                        }
                        if (len > 0) {
                            byte[] m = new byte[len];
                            System.arraycopy(bytes, start, m, 0, len);
                            messages.add(nsqd.newMessage(m));
                        }
                        start = i + 1;
                    }
                }
            }
            publish(ctx, topicName, messages);
        });
    }

    /** The binary /mpub body; returns nsqd's error code (without "E_") or null. */
    private String readBinaryMpub(byte[] b, List<Message> out) {
        if (b.length < 4) {
            return "BAD_BODY";
        }
        int count = int32(b, 0);
        if (count <= 0 || count > (opts.maxBodySize - 4) / 5) {
            return "BAD_BODY";
        }
        int p = 4;
        for (int i = 0; i < count; i++) {
            if (b.length - p < 4) {
                return "BAD_MESSAGE";
            }
            int size = int32(b, p);
            p += 4;
            if (size <= 0 || size > opts.maxMsgSize || b.length - p < size) {
                return "BAD_MESSAGE";
            }
            byte[] body = new byte[size];
            System.arraycopy(b, p, body, 0, size);
            p += size;
            out.add(nsqd.newMessage(body));
        }
        return null;
    }

    private void stats(RoutingContext ctx) {
        String format = ctx.request().getParam("format");
        String topic = ctx.request().getParam("topic");
        String channel = ctx.request().getParam("channel");
        boolean includeClients = boolParam(ctx, "include_clients");
        boolean includeMem = boolParam(ctx, "include_mem");
        if (topic != null && topic.isEmpty()) {
            topic = null;
        }
        if (channel != null && channel.isEmpty()) {
            channel = null;
        }
        NsqdStats stats = nsqd.stats(topic, channel, includeClients, includeMem);
        if ("json".equals(format)) {
            json(ctx, stats);
        } else {
            HttpServerResponse r = ctx.response().putHeader(NSQ_CONTENT_TYPE, "nsq; version=1.0").putHeader("Content-Type", NsqHttp.TEXT_TYPE);
            r.end(StatsText.render(stats, nsqd.startTime() * 1000));
        }
    }

    private void createTopic(RoutingContext ctx) {
        String topicName = topicForPublish(ctx);
        if (topicName != null && topicOrRefusal(ctx, topicName) != null) {
            empty(ctx);
        }
    }

    private void deleteTopic(RoutingContext ctx) {
        String topicName = ctx.request().getParam("topic");
        if (topicName == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
        } else if (!nsqd.deleteTopic(topicName)) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
        } else {
            empty(ctx);
        }
    }

    private void emptyTopic(RoutingContext ctx) {
        Topic topic = existingTopic(ctx, false);
        if (topic == null) {
            return;
        }
        try {
            topic.empty();
            empty(ctx);
        } catch (IOException e) {
            LOG.errorf("topic %s: empty failed: %s", topic.name, e.getMessage());
            error(ctx, 500, "INTERNAL_ERROR");
        }
    }

    private void pauseTopic(RoutingContext ctx, boolean pause) {
        Topic topic = existingTopic(ctx, false);
        if (topic != null) {
            if (pause) {
                topic.pause();
            } else {
                topic.unpause();
            }
            empty(ctx);
        }
    }

    private void createChannel(RoutingContext ctx) {
        Topic topic = existingTopic(ctx, true);
        if (topic != null) {
            try {
                topic.getChannel(ctx.request().getParam("channel"));
            } catch (MemoryBound.Refused e) {
                error(ctx, 503, "CHANNEL_LIMIT_REACHED");
                return;
            }
            empty(ctx);
        }
    }

    private void deleteChannel(RoutingContext ctx) {
        Topic topic = existingTopic(ctx, true);
        if (topic != null) {
            if (topic.deleteChannel(ctx.request().getParam("channel"))) {
                empty(ctx);
            } else {
                error(ctx, 404, "CHANNEL_NOT_FOUND");
            }
        }
    }

    private void emptyChannel(RoutingContext ctx) {
        Channel channel = existingChannel(ctx);
        if (channel == null) {
            return;
        }
        try {
            channel.empty();
            empty(ctx);
        } catch (IOException e) {
            LOG.errorf("channel %s:%s: empty failed: %s", channel.topic.name, channel.name, e.getMessage());
            error(ctx, 500, "INTERNAL_ERROR");
        }
    }

    private void pauseChannel(RoutingContext ctx, boolean pause) {
        Channel channel = existingChannel(ctx);
        if (channel != null) {
            if (pause) {
                channel.pause();
            } else {
                channel.unpause();
            }
            empty(ctx);
        }
    }

    private void config(RoutingContext ctx) {
        String opt = ctx.pathParam("opt");
        if (ctx.request().method() == HttpMethod.PUT) {
            body(ctx, body -> {
                if (body.length() == 0 || body.length() > opts.maxMsgSize) {
                    error(ctx, 413, "INVALID_VALUE");
                    return;
                }
                String problem = config.set(opt, body.toString(StandardCharsets.UTF_8));
                if (problem != null) {
                    error(ctx, 400, problem);
                    return;
                }
                configValue(ctx, opt);
            });
            return;
        }
        configValue(ctx, opt);
    }

    private void configValue(RoutingContext ctx, String opt) {
        Object value = config.get(opt);
        if (value == null) {
            error(ctx, 400, "INVALID_OPTION");
        } else {
            json(ctx, value);
        }
    }

    // ---- shared steps ----

    /**
     * The topic, created when new; null when the memory bound refused to create it, and 503
     * {@code TOPIC_LIMIT_REACHED} was sent.
     */
    private Topic topicOrRefusal(RoutingContext ctx, String topicName) {
        try {
            return nsqd.getTopic(topicName);
        } catch (MemoryBound.Refused e) {
            error(ctx, 503, "TOPIC_LIMIT_REACHED");
            return null;
        }
    }

    private void publish(RoutingContext ctx, String topicName, List<Message> messages) {
        Topic topic = topicOrRefusal(ctx, topicName);
        if (topic == null) {
            return;
        }
        java.util.concurrent.CompletableFuture<Void> stored = topic.publish(messages);
        if (stored.isDone()) {
            answerPublish(ctx, topicName, stored);
        } else {
            // the disk answers on a storage thread; the response goes out on the request's event loop
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
            stored.whenComplete((v, e) -> {
                if (context == null) {
                    answerPublish(ctx, topicName, stored);
                } else {
                    context.runOnContext(x -> answerPublish(ctx, topicName, stored));
                }
            });
        }
    }

    private void answerPublish(RoutingContext ctx, String topicName, java.util.concurrent.CompletableFuture<Void> stored) {
        try {
            stored.join();
            ctx.response().putHeader(NSQ_CONTENT_TYPE, "nsq; version=1.0").putHeader("Content-Type", NsqHttp.TEXT_TYPE).end("OK");
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.warnf("HTTP publish to %s refused: %s", topicName, cause.getMessage());
            error(ctx, 503, "EXITING");
        }
    }

    /** The {@code topic} parameter of a publish or create: present and valid, or the error was sent. */
    private String topicForPublish(RoutingContext ctx) {
        List<String> topics = ctx.queryParam("topic");
        if (topics.isEmpty()) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return null;
        }
        String name = topics.get(0);
        if (!Names.isValidTopicName(name)) {
            error(ctx, 400, "INVALID_TOPIC");
            return null;
        }
        return name;
    }

    /** nsqd's getExistingTopicFromQuery: checks topic (and channel, when asked) arguments, then existence. */
    private Topic existingTopic(RoutingContext ctx, boolean withChannel) {
        String topicName = ctx.request().getParam("topic");
        if (topicName == null || topicName.isEmpty()) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return null;
        }
        if (!Names.isValidTopicName(topicName)) {
            error(ctx, 400, "INVALID_ARG_TOPIC");
            return null;
        }
        if (withChannel) {
            String channelName = ctx.request().getParam("channel");
            if (channelName == null || channelName.isEmpty()) {
                error(ctx, 400, "MISSING_ARG_CHANNEL");
                return null;
            }
            if (!Names.isValidChannelName(channelName)) {
                error(ctx, 400, "INVALID_ARG_CHANNEL");
                return null;
            }
        }
        Topic topic = nsqd.existingTopic(topicName);
        if (topic == null) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
        }
        return topic;
    }

    private Channel existingChannel(RoutingContext ctx) {
        Topic topic = existingTopic(ctx, true);
        if (topic == null) {
            return null;
        }
        Channel channel = topic.existingChannel(ctx.request().getParam("channel"));
        if (channel == null) {
            error(ctx, 404, "CHANNEL_NOT_FOUND");
        }
        return channel;
    }

    private boolean boolParam(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v == null || BOOL_PARAMS.getOrDefault(v, false);
    }

    private static long contentLength(RoutingContext ctx) {
        String cl = ctx.request().getHeader("Content-Length");
        try {
            return cl == null ? -1 : Long.parseLong(cl);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void body(RoutingContext ctx, Consumer<Buffer> then) {
        Buffer body = ctx.body().buffer();
        then.accept(body == null ? Buffer.buffer() : body);
    }

    private int tcpPortHint() {
        return opts.tcpPort();
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
