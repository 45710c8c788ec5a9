package io.jnsq.broker;

import static io.jnsq.protocol.http.NsqHttp.error;
import static io.jnsq.protocol.http.NsqHttp.json;
import static io.jnsq.protocol.http.NsqHttp.route;

import io.jnsq.protocol.MessageId;
import io.jnsq.protocol.Names;
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

/**
 * A jnsq extension to nsqd's HTTP API: {@code GET /channel/peek?topic=&channel=&n=} shows the next messages of a
 * channel's in-memory queue without taking them (nothing is delivered, counted or reordered), for the console. A real
 * nsqd answers this path 404, which the console reports as "not supported".
 */
@Singleton
public class MessagePeek {

    static final int MAX = 100;

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
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Message m : channel.peek(n)) {
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
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", topicName);
        out.put("channel", channelName);
        out.put("depth", channel.depth());
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
