package io.jnsq.protocol.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How nsqd and nsqlookupd v1.3.0 answer over HTTP: the headers of every answer, {@code {"message":...}} errors,
 * and routes that answer OPTIONS and a wrong method (405) with the sorted {@code Allow} list, as Go's httprouter does.
 * Vert.x Web is an optional dependency of this module: only the servers use this class.
 */
public final class NsqHttp {

    public static final String TEXT_TYPE = "text/plain; charset=utf-8";
    public static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final String NSQ_CONTENT_TYPE = "X-Nsq-Content-Type";
    private static final String NSQ_V1 = "nsq; version=1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private NsqHttp() {
    }

    /** 200 with no body, as nsqd answers the actions. */
    public static void empty(RoutingContext ctx) {
        ctx.response().putHeader(NSQ_CONTENT_TYPE, NSQ_V1).end();
    }

    /** 200 with {@code value} as JSON. */
    public static void json(RoutingContext ctx, Object value) {
        String body;
        try {
            body = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            error(ctx, 500, "INTERNAL_ERROR");
            return;
        }
        ctx.response().putHeader("Content-Type", JSON_TYPE).putHeader(NSQ_CONTENT_TYPE, NSQ_V1).end(body);
    }

    /** {@code status} with {@code {"message":"<message>"}}; messages are NSQ's upper-case codes, never escaped. */
    public static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON_TYPE).putHeader(NSQ_CONTENT_TYPE, NSQ_V1)
                .end("{\"message\":\"" + message + "\"}");
    }

    /** Routes {@code path} to {@code handler} for {@code methods}; OPTIONS lists them, other methods get a 405. */
    public static void route(Router router, String path, Set<HttpMethod> methods, Consumer<RoutingContext> handler) {
        List<String> allowed = new ArrayList<>();
        methods.forEach(m -> allowed.add(m.name()));
        allowed.add("OPTIONS");
        allowed.sort(String::compareTo);
        String allow = String.join(", ", allowed);
        router.route(path).order(-100).handler(ctx -> {
            if (methods.contains(ctx.request().method())) {
                handler.accept(ctx);
            } else if (ctx.request().method() == HttpMethod.OPTIONS) {
                ctx.response().putHeader("Allow", allow).end();
            } else {
                ctx.response().putHeader("Allow", allow);
                error(ctx, 405, "METHOD_NOT_ALLOWED");
            }
        });
    }

    /** Everything no route took is NSQ's 404, except {@code keep} paths (metrics, Quarkus' /q/), passed on. */
    public static void notFoundExcept(Router router, Set<String> keep) {
        router.route().last().handler(ctx -> {
            String path = ctx.normalizedPath();
            if (path.startsWith("/q/") || keep.contains(path)) {
                ctx.next();
            } else {
                error(ctx, 404, "NOT_FOUND");
            }
        });
    }
}
