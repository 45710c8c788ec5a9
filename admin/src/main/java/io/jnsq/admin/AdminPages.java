package io.jnsq.admin;

import static io.jnsq.admin.ClusterInfo.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.Names;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nsqadmin's pages, rendered on the server with Qute and usable without JavaScript: Streams (topics), a topic, a
 * channel (and a peek at its next messages), Nodes, a node, Counter, Lookup. Actions are HTML forms: a confirmation
 * page, then a POST whose result shows on the page it returns to. A browser gets each page's frame at once and htmx
 * (from a webjar) fills in its live part, then refreshes it every few seconds; without JavaScript the page reloads
 * itself whole ({@code ?full=1}), and HTTP clients that do not ask for HTML get the whole page at once.
 */
@Singleton
public class AdminPages {

    /** The htmx webjar's version (admin/pom.xml {@code htmx.version}). */
    private static final String HTMX_VERSION = "2.0.10";
    private static final List<String> ACTIONS = List.of("pause", "unpause", "empty", "delete", "tombstone", "publish");
    /** How many topic names a row of the Nodes page shows (the rest are on the node's page). */
    private static final int NODE_TOPIC_NAMES = 25;

    private final ClusterView view;
    private final AdminActions actions;
    private final RateHistory rates;
    private final AdminOptions opts;
    private final SignIn signIn;
    private final PrometheusSeries prometheus;

    @Location("topics.html")
    Template topicsPage;
    @Location("topic.html")
    Template topicPage;
    @Location("channel.html")
    Template channelPage;
    @Location("nodes.html")
    Template nodesPage;
    @Location("node.html")
    Template nodePage;
    @Location("counter.html")
    Template counterPage;
    @Location("lookup.html")
    Template lookupPage;
    @Location("confirm.html")
    Template confirmPage;
    @Location("error.html")
    Template errorPage;
    @Location("peek.html")
    Template peekPage;

    public AdminPages(ClusterView view, AdminActions actions, RateHistory rates, AdminOptions opts, PrometheusSeries prometheus,
            SignIn signIn) {
        this.signIn = signIn;
        this.view = view;
        this.actions = actions;
        this.rates = rates;
        this.opts = opts;
        this.prometheus = prometheus;
    }

    void routes(@Observes Router router) {
        String p = opts.prefix();
        router.post(p + "/act").order(-300).handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
        router.post(p + "/lookup").order(-300).handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
        page(router, p.isEmpty() ? "/" : p, this::topics);
        page(router, p + "/topics", this::topics);
        page(router, p + "/topics/:topic", this::topic);
        page(router, p + "/topics/:topic/:channel", this::channel);
        page(router, p + "/topics/:topic/:channel/peek", this::peek);
        page(router, p + "/nodes", this::nodes);
        page(router, p + "/nodes/:node", this::node);
        page(router, p + "/counter", this::counter);
        page(router, p + "/lookup", this::lookup);
        page(router, p + "/confirm", this::confirm);
        asset(router, p + "/static/admin.css", "admin-static/admin.css", "text/css; charset=utf-8");
        asset(router, p + "/static/htmx.min.js", "META-INF/resources/webjars/htmx.org/" + HTMX_VERSION + "/dist/htmx.min.js",
                "text/javascript; charset=utf-8");
        router.post(p + "/act").order(-200).blockingHandler(this::act, false);
        router.post(p + "/lookup").order(-200).blockingHandler(this::create, false);
    }

    private static void asset(Router router, String path, String resource, String type) {
        byte[] bytes;
        try (var in = AdminPages.class.getClassLoader().getResourceAsStream(resource)) {
            bytes = in == null ? new byte[0] : in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(bytes);
        router.get(path).order(-200).handler(ctx -> ctx.response().putHeader("Content-Type", type)
                .putHeader("Cache-Control", "max-age=3600").end(body));
    }

    private void page(Router router, String path, Page page) {
        router.get(path).order(-200).blockingHandler(ctx -> {
            rates.touch();
            Warnings w = new Warnings();
            Map<String, Object> data = common(ctx, w);
            data.put("loading", frameFirst(ctx));
            data.put("full", ctx.request().path() + "?" + (ctx.request().query() == null ? "" : ctx.request().query() + "&") + "full=1");
            TemplateInstance t;
            try {
                t = page.render(ctx, w, data);
            } catch (UpstreamException e) {
                ctx.response().setStatusCode(502);
                t = with(errorPage, data, "problem", "UPSTREAM_ERROR: " + e.getMessage(), "loading", false);
            } catch (NotFoundException e) {
                ctx.response().setStatusCode(404);
                t = with(errorPage, data, "problem", e.getMessage(), "loading", false);
            } catch (IllegalArgumentException e) {
                ctx.response().setStatusCode(400);
                t = with(errorPage, data, "problem", e.getMessage(), "loading", false);
            } catch (Exception e) {
                ctx.response().setStatusCode(500);
                t = with(errorPage, data, "problem", "INTERNAL_ERROR: " + e, "loading", false);
            }
            if (!w.isEmpty()) {
                t.data("warning", w.message());
            }
            ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(t.render());
        }, false);
    }

    /**
     * Whether to answer with the page's frame only, its live part to be filled by htmx: for a browser's first load
     * (it asks for HTML), not for htmx's own request, not with {@code ?full=1} (no JavaScript), not for other clients.
     */
    private static boolean frameFirst(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.contains("text/html") && ctx.request().getHeader("HX-Request") == null
                && ctx.request().getParam("full") == null;
    }

    private static boolean loading(Map<String, Object> data) {
        return Boolean.TRUE.equals(data.get("loading"));
    }

    private Map<String, Object> common(RoutingContext ctx, Warnings w) {
        Map<String, Object> data = new HashMap<>();
        data.put("p", opts.prefix());
        data.put("version", NsqVersion.NSQ);
        data.put("isAdmin", actions.isAdmin(ctx));
        data.put("signedIn", signIn.signedIn(ctx).orElse(""));
        data.put("result", String.valueOf(ctx.request().getParam("result", "")));
        data.put("failed", "1".equals(ctx.request().getParam("failed")));
        data.put("warning", "");
        data.put("lookupds", view.cluster().lookupds());
        data.put("nsqds", opts.nsqdHttpAddresses);
        data.put("self", ctx.request().query() == null ? ctx.request().path()
                : ctx.request().path() + "?" + ctx.request().query().replaceAll("(^|&)full=[^&]*", "").replaceFirst("^&", ""));
        return data;
    }

    private TemplateInstance topics(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        if (loading(data)) {
            return with(topicsPage, data);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String topic : view.cluster().topics(w)) {
            RateHistory.Latest l = rates.latest(topic);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", topic);
            row.put("depth", l == null ? "" : l.depth());
            row.put("backlog", l == null ? "" : l.backlog());
            row.put("messages", l == null ? "" : l.messages());
            row.put("channels", l == null ? "" : l.channels());
            row.put("paused", l != null && l.paused());
            row.put("rate", rates.rateText(topic));
            row.put("spark", rates.sparkline(topic));
            rows.add(row);
        }
        return with(topicsPage, data, "topics", rows, "warning", w.message(), "sampleWarning", rates.warning());
    }

    private TemplateInstance topic(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        String topic = ctx.pathParam("topic");
        if (loading(data)) {
            return with(topicPage, data, "name", topic);
        }
        ObjectNode t = view.topic(topic, w);
        List<Map<String, Object>> channels = new ArrayList<>();
        for (JsonNode c : t.path("channels")) {
            Map<String, Object> m = map(c);
            String key = topic + "/" + c.path("channel_name").asText();
            m.put("rate", rates.rateText(key));
            m.put("spark", rates.sparkline(key));
            channels.add(m);
        }
        graphs(data, topic, PrometheusSeries.topicQueries(topic), w);
        return with(topicPage, data, "topic", map(t), "name", topic, "channels", channels, "spark", rates.sparkline(topic),
                "rate", rates.rateText(topic), "down", List.copyOf(w.failedAddresses()), "warning", w.message());
    }

    private TemplateInstance channel(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        String topic = ctx.pathParam("topic");
        String channel = ctx.pathParam("channel");
        if (loading(data)) {
            return with(channelPage, data, "topicName", topic, "name", channel);
        }
        ObjectNode c = view.channel(topic, channel, w);
        String key = topic + "/" + channel;
        graphs(data, key, PrometheusSeries.channelQueries(topic, channel), w);
        return with(channelPage, data, "channel", map(c), "topicName", topic, "name", channel, "spark", rates.sparkline(key),
                "rate", rates.rateText(key), "down", List.copyOf(w.failedAddresses()), "warning", w.message());
    }

    /** The graphs of a topic or channel: from Prometheus when configured (and answering), else from the samples. */
    private void graphs(Map<String, Object> data, String key, Map<String, String> queries, Warnings w) {
        List<String> charts = new ArrayList<>();
        if (prometheus.configured()) {
            try {
                prometheus.ranges(queries).forEach((title, points) -> charts.add(Chart.svg(title, "", points)));
                data.put("graphSource", "from Prometheus, last hour");
                data.put("graphWarning", "");
                data.put("graphs", charts);
                return;
            } catch (java.io.IOException e) {
                data.put("graphWarning", "WARNING: " + e.getMessage() + "; showing nsqadmin's own samples");
            }
        } else {
            data.put("graphWarning", "");
        }
        charts.add(Chart.svg("Messages/s", "", rates.rateHistory(key)));
        charts.add(Chart.svg("Depth", "", rates.depthHistory(key)));
        data.put("graphSource", "sampled every " + RateHistory.INTERVAL_SECONDS + " s since this console started watching");
        data.put("graphs", charts);
    }

    private TemplateInstance peek(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        String topic = ctx.pathParam("topic");
        String channel = ctx.pathParam("channel");
        if (!Boolean.TRUE.equals(data.get("isAdmin"))) {
            throw new IllegalArgumentException("FORBIDDEN: only admin users may see messages");
        }
        if (loading(data)) {
            return with(peekPage, data, "topicName", topic, "name", channel);
        }
        int n = peekCount(ctx.request().getParam("n"));
        return with(peekPage, data, "peek", map(view.peek(topic, channel, n, w)), "topicName", topic, "name", channel,
                "warning", w.message());
    }

    static int peekCount(String n) {
        if (n == null) {
            return 10;
        }
        try {
            int count = Integer.parseInt(n);
            if (count >= 1 && count <= 100) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("INVALID_ARG_N: n must be 1 to 100");
    }

    private TemplateInstance nodes(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        if (loading(data)) {
            return with(nodesPage, data);
        }
        List<Producer> producers = view.cluster().producers(w);
        if (view.cluster().usesLookupd()) {
            // lookupd lists what registered; whether each answers now is asked of each (nsqds given by address were)
            view.cluster().ping(producers.stream().map(Producer::httpAddress).toList(), w);
        }
        java.util.Set<String> down = w.failedAddresses();
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (JsonNode n : JSON.valueToTree(producers)) {
            Map<String, Object> m = map(n);
            String address = n.path("broadcast_address").asText() + ":" + n.path("http_port").asInt();
            m.put("address", address);
            List<Map<String, Object>> names = new ArrayList<>();
            n.path("topics").forEach(t -> {
                if (names.size() < NODE_TOPIC_NAMES) {
                    names.add(Map.of("topic", t.path("topic").asText(), "tombstoned", t.path("tombstoned").asBoolean()));
                }
            });
            m.put("topic_count", n.path("topics").size());
            m.put("topic_names", names);
            m.put("more_topics", n.path("topics").size() - names.size());
            m.put("down", down.contains(address));
            nodes.add(m);
        }
        // nsqds given by address that did not answer are not in the list at all: show them, marked
        java.util.Set<String> missing = new java.util.TreeSet<>(down);
        nodes.forEach(m -> missing.remove((String) m.get("address")));
        missing.removeAll(view.cluster().lookupds());
        for (String address : missing) {
            Map<String, Object> m = new LinkedHashMap<>();
            int colon = address.lastIndexOf(':');
            m.put("hostname", address);
            m.put("broadcast_address", colon < 0 ? address : address.substring(0, colon));
            m.put("tcp_port", "");
            m.put("http_port", colon < 0 ? "" : address.substring(colon + 1));
            m.put("version", "");
            m.put("out_of_date", false);
            m.put("remote_addresses", List.of());
            m.put("address", address);
            m.put("topic_count", "");
            m.put("topic_names", List.of());
            m.put("more_topics", 0);
            m.put("down", true);
            nodes.add(m);
        }
        return with(nodesPage, data, "nodes", nodes, "warning", w.message());
    }

    private TemplateInstance node(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        String node = ctx.pathParam("node");
        if (loading(data)) {
            return with(nodePage, data, "name", node);
        }
        ObjectNode n = view.node(node, w);
        Producer producer = view.cluster().producers(w).stream().filter(x -> x.httpAddress().equals(node)).findFirst().orElse(null);
        return with(nodePage, data, "node", map(n), "name", node, "producer", producer == null ? Map.of() : map(JSON.valueToTree(producer)), "warning", w.message());
    }

    private TemplateInstance counter(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        if (loading(data)) {
            return with(counterPage, data);
        }
        long total = rates.channelMessages(); // from the latest sample: no extra round of /stats on a big cluster
        if (total < 0) {
            total = 0;
            for (JsonNode s : view.counter(w).path("stats")) {
                total += s.path("message_count").asLong();
            }
        }
        return with(counterPage, data, "total", String.format("%,d", total), "warning", w.message(), "sampleWarning", rates.warning());
    }

    private TemplateInstance lookup(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception {
        if (loading(data)) {
            return with(lookupPage, data, "usesLookupd", view.cluster().usesLookupd());
        }
        List<Map<String, Object>> topics = new ArrayList<>();
        if (view.cluster().usesLookupd()) {
            List<String> names = view.cluster().topics(w);
            java.util.Set<String> onNodes = new java.util.HashSet<>();
            for (Producer p : view.cluster().producers(w)) {
                p.topics().forEach(t -> onNodes.add(t.topic()));
            }
            Map<String, List<String>> channels = view.cluster().lookupdChannels(names, w);
            for (String t : names) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", t);
                m.put("channels", channels.getOrDefault(t, List.of()));
                m.put("inactive", !onNodes.contains(t));
                topics.add(m);
            }
        }
        return with(lookupPage, data, "topics", topics, "usesLookupd", view.cluster().usesLookupd(), "warning", w.message());
    }

    private TemplateInstance confirm(RoutingContext ctx, Warnings w, Map<String, Object> data) {
        data.put("loading", false);
        String action = ctx.request().getParam("action", "");
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("unknown action " + action);
        }
        return with(confirmPage, data, "action", action, "topic", ctx.request().getParam("topic", ""), "channel", ctx.request().getParam("channel", ""), "node", ctx.request().getParam("node", ""), "back", back(ctx.request().getParam("back", "")));
    }

    /** POST of a confirmed action; redirects back with the result to show. */
    private void act(RoutingContext ctx) {
        var form = ctx.request().formAttributes();
        String action = form.get("action") == null ? "" : form.get("action");
        String topic = form.get("topic") == null ? "" : form.get("topic");
        String channel = form.get("channel") == null ? "" : form.get("channel");
        String node = form.get("node") == null ? "" : form.get("node");
        String back = back(form.get("back"));
        if (!actions.isAdmin(ctx)) {
            actions.refused(action + " topic=" + topic + (channel.isEmpty() ? "" : " channel=" + channel),
                    AdminApi.requester(ctx, opts.aclHttpHeader));
            redirect(ctx, back, "FORBIDDEN: only admin users may " + action, true);
            return;
        }
        Warnings w = new Warnings();
        AdminActions.Requester who = AdminApi.requester(ctx, opts.aclHttpHeader);
        String what = channel.isEmpty() ? "topic " + topic : "channel " + topic + "/" + channel;
        try {
            switch (action) {
                case "pause", "unpause", "empty" -> actions.act(action, topic, channel, who, w);
                case "delete" -> {
                    boolean fromLookup = back.startsWith(opts.prefix() + "/lookup");
                    if (channel.isEmpty()) {
                        actions.deleteTopic(topic, who, w);
                        back = fromLookup ? back : opts.prefix() + "/topics";
                    } else {
                        actions.deleteChannel(topic, channel, who, w);
                        back = fromLookup ? back : opts.prefix() + "/topics/" + enc(topic);
                    }
                }
                case "tombstone" -> {
                    actions.tombstone(topic, node, who, w);
                    what = "topic " + topic + " on " + node;
                }
                case "publish" -> {
                    String message = form.get("message") == null ? "" : form.get("message");
                    actions.publish(topic, message.getBytes(StandardCharsets.UTF_8), who, w);
                    what = "a message to " + topic;
                }
                default -> throw new IllegalArgumentException("unknown action " + action);
            }
            String done = switch (action) {
                case "pause" -> "paused";
                case "unpause" -> "unpaused";
                case "empty" -> "emptied";
                case "delete" -> "deleted";
                case "tombstone" -> "tombstoned";
                default -> "published";
            };
            String verb = action.equals("publish") ? "published " + what : done + " " + what;
            redirect(ctx, back, verb.substring(0, 1).toUpperCase() + verb.substring(1) + (w.isEmpty() ? "" : " (" + w.message() + ")"), false);
        } catch (Exception e) {
            redirect(ctx, back, action + " failed: " + e.getMessage(), true);
        }
    }

    /** POST from the Lookup page's forms: create a topic, and a channel when given. */
    private void create(RoutingContext ctx) {
        var form = ctx.request().formAttributes();
        String topic = form.get("topic") == null ? "" : form.get("topic").trim();
        String channel = form.get("channel") == null ? "" : form.get("channel").trim();
        String back = opts.prefix() + "/lookup";
        if (!actions.isAdmin(ctx)) {
            actions.refused("create_topic topic=" + topic, AdminApi.requester(ctx, opts.aclHttpHeader));
            redirect(ctx, back, "FORBIDDEN: only admin users may create topics", true);
            return;
        }
        if (!Names.isValidTopicName(topic)) {
            redirect(ctx, back, "INVALID_TOPIC: '" + topic + "' is not a valid topic name", true);
            return;
        }
        if (!channel.isEmpty() && !Names.isValidChannelName(channel)) {
            redirect(ctx, back, "INVALID_CHANNEL: '" + channel + "' is not a valid channel name", true);
            return;
        }
        Warnings w = new Warnings();
        try {
            actions.createTopicChannel(topic, channel, AdminApi.requester(ctx, opts.aclHttpHeader), w);
            redirect(ctx, back, "Created topic " + topic + (channel.isEmpty() ? "" : " and channel " + channel)
                    + (w.isEmpty() ? "" : " (" + w.message() + ")"), false);
        } catch (Exception e) {
            redirect(ctx, back, "create failed: " + e.getMessage(), true);
        }
    }

    /** Only paths of this console are followed back to. */
    private String back(String back) {
        return back != null && back.startsWith("/") && !back.startsWith("//") ? back : opts.prefix() + "/";
    }

    private static void redirect(RoutingContext ctx, String to, String result, boolean failed) {
        String sep = to.contains("?") ? "&" : "?";
        ctx.response().setStatusCode(303)
                .putHeader("Location", to + sep + "result=" + enc(result) + (failed ? "&failed=1" : "")).end();
    }

    /** An instance of {@code page} with the common data and these key/value pairs. */
    private static TemplateInstance with(Template page, Map<String, Object> data, Object... keyValues) {
        for (int i = 0; i < keyValues.length; i += 2) {
            data.put((String) keyValues[i], keyValues[i + 1]);
        }
        TemplateInstance instance = page.instance();
        data.forEach(instance::data);
        return instance;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** JSON as maps and lists for the templates; nsqadmin's {@code null} lists (nodes, clients, percentiles) as empty. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode n) {
        return (Map<String, Object>) plain(n);
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(f -> m.put(f.getKey(), plain(f.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(plain(e)));
            return l;
        }
        if (n.isNull() || n.isMissingNode()) {
            return List.of();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        return n.isNumber() ? (Object) n.doubleValue() : n.asText();
    }

    @FunctionalInterface
    interface Page {
        TemplateInstance render(RoutingContext ctx, Warnings w, Map<String, Object> data) throws Exception;
    }
}
