package io.jnsq.broker;

import static io.jnsq.protocol.http.NsqHttp.error;
import static io.jnsq.protocol.http.NsqHttp.json;
import static io.jnsq.protocol.http.NsqHttp.route;

import io.jnsq.protocol.MessageId;
import io.jnsq.protocol.Names;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * A jnsq extension to nsqd's HTTP API: {@code GET /channel/peek?topic=&channel=&n=} shows the next {@code n} messages
 * of a channel in the order consumers will get them, from memory and then from the disk backlog, without taking them
 * (nothing is delivered, counted or reordered), for the console. At most {@link #MAX} messages, and it stops once their
 * bodies reach {@link #MAX_BYTES} ({@code byte_limit_reached} says so). The disk is read on the channel's storage
 * thread, never on the event loop. A real nsqd answers this path 404, which the console reports as "not supported".
 */
@Singleton
public class MessagePeek {

    private static final Logger LOG = Logger.getLogger(MessagePeek.class);
    /** At most this many messages a peek. */
    static final int MAX = 100;
    /** A peek stops once its messages' bodies reach this (so it shows at most this plus one message). */
    static final long MAX_BYTES = 1 << 20;

    private final Nsqd nsqd;

    @Inject
    public MessagePeek(Nsqd nsqd) {
        this.nsqd = nsqd;
    }

    void routes(@Observes Router router) {
        route(router, "/channel/peek", Set.of(HttpMethod.GET), this::peek);
    }

    private void peek(RoutingContext ctx) {
        String topicName = ctx.request().getParam("topic");
        String channelName = ctx.request().getParam("channel");
        if (topicName == null || topicName.isEmpty()) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        if (!Names.isValidTopicName(topicName)) {
            error(ctx, 400, "INVALID_ARG_TOPIC");
            return;
        }
        if (channelName == null || channelName.isEmpty()) {
            error(ctx, 400, "MISSING_ARG_CHANNEL");
            return;
        }
        if (!Names.isValidChannelName(channelName)) {
            error(ctx, 400, "INVALID_ARG_CHANNEL");
            return;
        }
        int n = 10;
        String count = ctx.request().getParam("n");
        if (count != null) {
            try {
                n = Integer.parseInt(count);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX) {
                error(ctx, 400, "INVALID_ARG_N");
                return;
            }
        }
        Topic topic = nsqd.existingTopic(topicName);
        if (topic == null) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
            return;
        }
        Channel channel = topic.existingChannel(channelName);
        if (channel == null) {
            error(ctx, 404, "CHANNEL_NOT_FOUND");
            return;
        }
        long depth = channel.depth();
        CompletableFuture<List<Message>> peeked = channel.peek(n, MAX_BYTES);
        if (peeked.isDone()) {
            answer(ctx, topicName, channelName, depth, n, peeked);
        } else {
            // the disk was read on a storage thread; the answer goes out on the request's event loop
            Context context = Vertx.currentContext();
            int asked = n;
            peeked.whenComplete((v, e) -> {
                if (context == null) {
                    answer(ctx, topicName, channelName, depth, asked, peeked);
                } else {
                    context.runOnContext(x -> answer(ctx, topicName, channelName, depth, asked, peeked));
                }
            });
        }
    }

    private static void answer(RoutingContext ctx, String topicName, String channelName, long depth, int n,
            CompletableFuture<List<Message>> peeked) {
        List<Message> shown;
        try {
            shown = peeked.join();
        } catch (CompletionException e) {
            LOG.warnf("peek at %s/%s failed: %s", topicName, channelName, e.getCause());
            error(ctx, 500, "INTERNAL_ERROR");
            return;
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        long bytes = 0;
        for (Message m : shown) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", MessageId.toString(MessageId.of(m.id)));
            o.put("timestamp", m.timestamp);
            o.put("attempts", m.attempts);
            String text = utf8(m.body);
            if (text != null) {
                o.put("body", text);
            } else {
                o.put("body_base64", Base64.getEncoder().encodeToString(m.body));
            }
            messages.add(o);
            bytes += m.body.length;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", topicName);
        out.put("channel", channelName);
        out.put("depth", depth);
        out.put("byte_limit_reached", messages.size() < n && bytes >= MAX_BYTES);
        out.put("messages", messages);
        json(ctx, out);
    }

    /** The body as text when it is valid UTF-8, else null. */
    private static String utf8(byte[] body) {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return c.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
