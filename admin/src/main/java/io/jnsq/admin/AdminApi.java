package io.jnsq.admin;

import static io.jnsq.admin.ClusterInfo.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnsq.protocol.Names;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * nsqadmin's JSON API ({@code /api/...}, {@code /config/:opt}, {@code /ping}) with its shapes and errors, so scripts
 * written for nsqadmin keep working. Reads and actions run on worker threads: they wait on other servers.
 */
@Singleton
public class AdminApi {

    static final String JSON_TYPE = "application/json; charset=utf-8";

    private final ClusterView view;
    private final AdminActions actions;
    private final AdminOptions opts;
    private final Cidr configCidr;

    public AdminApi(ClusterView view, AdminActions actions, AdminOptions opts) {
        this.view = view;
        this.actions = actions;
        this.opts = opts;
        this.configCidr = Cidr.parse(opts.allowConfigFromCidr);
    }

    void routes(@Observes Router router) {
        String p = opts.prefix();
        router.route(p + "/api/*").order(-300).handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
        router.route(p + "/config/*").order(-300).handler(BodyHandler.create(false).setBodyLimit(1024 * 1024 + 1));
        router.get(p + "/ping").order(-200).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; charset=utf-8").end("OK"));
        read(router, p + "/api/topics", (ctx, w) -> view.topics("true".equals(ctx.request().getParam("inactive")), w));
        read(router, p + "/api/topics/:topic", (ctx, w) -> view.topic(ctx.pathParam("topic"), w));
        read(router, p + "/api/topics/:topic/:channel", (ctx, w) -> view.channel(ctx.pathParam("topic"), ctx.pathParam("channel"), w));
        read(router, p + "/api/topics/:topic/:channel/peek", this::peek);
        read(router, p + "/api/nodes", (ctx, w) -> view.nodes(w));
        read(router, p + "/api/nodes/:node", (ctx, w) -> view.node(ctx.pathParam("node"), w));
        read(router, p + "/api/counter", (ctx, w) -> view.counter(w));
        act(router, HttpMethod.POST, p + "/api/topics", this::createTopicChannel);
        act(router, HttpMethod.POST, p + "/api/topics/:topic", (ctx, w) -> topicChannelAction(ctx, ""));
        act(router, HttpMethod.POST, p + "/api/topics/:topic/:channel", (ctx, w) -> topicChannelAction(ctx, ctx.pathParam("channel")));
        act(router, HttpMethod.DELETE, p + "/api/topics/:topic", (ctx, w) -> actions.deleteTopic(ctx.pathParam("topic"), requester(ctx), w));
        act(router, HttpMethod.DELETE, p + "/api/topics/:topic/:channel",
                (ctx, w) -> actions.deleteChannel(ctx.pathParam("topic"), ctx.pathParam("channel"), requester(ctx), w));
        act(router, HttpMethod.DELETE, p + "/api/nodes/:node", this::tombstone);
        router.route(p + "/config/:opt").order(-200).blockingHandler(this::config);
    }

    /** A GET answered with what {@code body} gathers, plus nsqadmin's {@code message}. */
    private void read(Router router, String path, Step body) {
        router.get(path).order(-200).blockingHandler(ctx -> {
            Warnings w = new Warnings();
            try {
                ObjectNode out = body.run(ctx, w);
                out.put("message", w.message());
                json(ctx, 200, out);
            } catch (UpstreamException e) {
                error(ctx, 502, "UPSTREAM_ERROR: " + e.getMessage());
            } catch (NotFoundException e) {
                error(ctx, 404, e.getMessage());
            } catch (ForbiddenException e) {
                error(ctx, 403, "FORBIDDEN");
            } catch (IllegalArgumentException e) {
                error(ctx, 400, e.getMessage());
            } catch (Exception e) {
                error(ctx, 500, "INTERNAL_ERROR");
            }
        }, false);
    }

    /** An action for admins only, answered {@code {"message":""}} (or its warnings). */
    private void act(Router router, HttpMethod method, String path, Action action) {
        router.route(method, path).order(-200).blockingHandler(ctx -> {
            if (!actions.isAdmin(ctx)) {
                actions.refused(ctx.request().method() + " " + ctx.normalizedPath(), requester(ctx));
                error(ctx, 403, "FORBIDDEN");
                return;
            }
            Warnings w = new Warnings();
            try {
                action.run(ctx, w);
                json(ctx, 200, JSON.createObjectNode().put("message", w.message()));
            } catch (UpstreamException e) {
                error(ctx, 502, "UPSTREAM_ERROR: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                error(ctx, 400, e.getMessage());
            } catch (Exception e) {
                error(ctx, 500, "INTERNAL_ERROR");
            }
        }, false);
    }

    private void createTopicChannel(RoutingContext ctx, Warnings w) throws IOException {
        JsonNode body = body(ctx);
        String topic = body.path("topic").asText("");
        String channel = body.path("channel").asText("");
        if (!Names.isValidTopicName(topic)) {
            throw new IllegalArgumentException("INVALID_TOPIC");
        }
        if (!channel.isEmpty() && !Names.isValidChannelName(channel)) {
            throw new IllegalArgumentException("INVALID_CHANNEL");
        }
        actions.createTopicChannel(topic, channel, requester(ctx), w);
    }

    private void topicChannelAction(RoutingContext ctx, String channel) throws IOException {
        Warnings w = new Warnings();
        actions.act(body(ctx).path("action").asText(""), ctx.pathParam("topic"), channel, requester(ctx), w);
        if (!w.isEmpty()) {
            throw new UpstreamException(String.join("; ", w.all())); // nothing on partial success here: say it
        }
    }

    /** The next messages of a channel on each node, not taken (admins only: they show message bodies). */
    private ObjectNode peek(RoutingContext ctx, Warnings w) throws IOException {
        if (!actions.isAdmin(ctx)) {
            actions.refused("peek topic=" + ctx.pathParam("topic") + " channel=" + ctx.pathParam("channel"), requester(ctx));
            throw new ForbiddenException();
        }
        return view.peek(ctx.pathParam("topic"), ctx.pathParam("channel"), AdminPages.peekCount(ctx.request().getParam("n")), w);
    }

    /** Only admin users may do this. */
    static final class ForbiddenException extends RuntimeException {
        ForbiddenException() {
            super("FORBIDDEN");
        }
    }

    private void tombstone(RoutingContext ctx, Warnings w) throws IOException {
        String topic = body(ctx).path("topic").asText("");
        if (!Names.isValidTopicName(topic)) {
            throw new IllegalArgumentException("INVALID_TOPIC");
        }
        actions.tombstone(topic, ctx.pathParam("node"), requester(ctx), w);
    }

    private void config(RoutingContext ctx) {
        String remote = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
        if (!configCidr.contains(remote)) {
            error(ctx, 403, "FORBIDDEN");
            return;
        }
        String opt = ctx.pathParam("opt");
        if (ctx.request().method() == HttpMethod.PUT) {
            String body = ctx.body().asString();
            if (body == null || body.isEmpty() || body.length() > 1024 * 1024) {
                error(ctx, 413, "INVALID_VALUE");
                return;
            }
            switch (opt) {
                case "nsqlookupd_http_addresses" -> {
                    try {
                        List<String> addrs = new ArrayList<>();
                        for (JsonNode a : JSON.readTree(body)) {
                            addrs.add(a.asText());
                        }
                        view.cluster().setLookupds(addrs);
                    } catch (IOException e) {
                        error(ctx, 400, "INVALID_VALUE");
                        return;
                    }
                }
                case "log_level" -> {
                    if (!List.of("debug", "info", "warn", "error", "fatal").contains(body.trim().toLowerCase())) {
                        error(ctx, 400, "INVALID_VALUE");
                        return;
                    }
                    opts.logLevel = body.trim().toLowerCase();
                }
                default -> {
                    error(ctx, 400, "INVALID_OPTION");
                    return;
                }
            }
        } else if (ctx.request().method() != HttpMethod.GET) {
            ctx.response().putHeader("Allow", "GET, PUT");
            error(ctx, 405, "METHOD_NOT_ALLOWED");
            return;
        }
        switch (opt) {
            case "nsqlookupd_http_addresses" -> json(ctx, 200, JSON.valueToTree(view.cluster().lookupds()));
            case "log_level" -> json(ctx, 200, JSON.getNodeFactory().textNode(opts.logLevel));
            default -> error(ctx, 404, "INVALID_OPTION");
        }
    }

    static AdminActions.Requester requester(RoutingContext ctx, String aclHeader) {
        return new AdminActions.Requester(ctx.request().getHeader(aclHeader),
                ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().toString(),
                String.valueOf(ctx.request().getHeader("User-Agent")), ctx.request().absoluteURI());
    }

    private AdminActions.Requester requester(RoutingContext ctx) {
        return requester(ctx, opts.aclHttpHeader);
    }

    private static JsonNode body(RoutingContext ctx) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("INVALID_BODY");
        }
    }

    static void json(RoutingContext ctx, int status, JsonNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON_TYPE)
                .putHeader("X-Nsq-Content-Type", "nsq; version=1.0").end(body.toString());
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, JSON.createObjectNode().put("message", message));
    }

    @FunctionalInterface
    interface Step {
        ObjectNode run(RoutingContext ctx, Warnings w) throws Exception;
    }

    @FunctionalInterface
    interface Action {
        void run(RoutingContext ctx, Warnings w) throws Exception;
    }
}
