package io.jnsq.protocol.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * How nsqd and nsqlookupd v1.3.0 answer over HTTP: the headers of every answer, {@code {"message":...}} errors,
 * and routes that answer OPTIONS and a wrong method (405) with the sorted {@code Allow} list, as Go's httprouter does.
 * Vert.x Web is an optional dependency of this module: only the servers use this class.
 */
public final class NsqHttp {

    /** The system property that keeps Quarkus from refusing, before any route, URIs that Go accepts. */
    public static final String NO_URI_VALIDATION = "vertx.disableURIValidation";
    public static final String TEXT_TYPE = "text/plain; charset=utf-8";
    public static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final String NSQ_CONTENT_TYPE = "X-Nsq-Content-Type";
    private static final String NSQ_V1 = "nsq; version=1.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every method some route of a router takes, for the server-wide {@code *} target (httprouter's answer). */
    private static final Map<Router, Set<String>> ROUTED_METHODS = Collections.synchronizedMap(new WeakHashMap<>());

    private NsqHttp() {
    }

    /** 200 with no body, as nsqd answers the actions. */
    public static void empty(RoutingContext ctx) {
        ctx.response().putHeader(NSQ_CONTENT_TYPE, NSQ_V1).end();
    }

    /** 200 with {@code value} as JSON (encoded straight to UTF-8: /stats of 100,000 topics is 42 MB). */
    public static void json(RoutingContext ctx, Object value) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            error(ctx, 500, "INTERNAL_ERROR");
            return;
        }
        ctx.response().putHeader("Content-Type", JSON_TYPE).putHeader(NSQ_CONTENT_TYPE, NSQ_V1)
                .end(io.vertx.core.buffer.Buffer.buffer(body));
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
        ROUTED_METHODS.computeIfAbsent(router, r -> Collections.synchronizedSet(new TreeSet<>())).addAll(allowed);
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

    /**
     * Malformed requests answered as nsqd answers them, with one log line each and never a stack trace or a framework
     * error page: what Go's net/http refuses before nsqd sees it (an HTTP version other than 1.x: 505; HTTP/1.1
     * without Host: 400) gets net/http's plain-text answer; a query nsqd cannot parse gets nsqd's
     * {@code INVALID_REQUEST} where its handler parses the query ({@code readsQuery}), and elsewhere (/ping, /info,
     * a 404 or 405) the request is served as if it had no query, since nsqd never looks at it; a body that cannot be read (a bad chunk size, a connection lost mid-body) gets nsqd's
     * 500 {@code INTERNAL_ERROR}. Anything else that fails in a handler is a bug: it is logged with its stack trace
     * through {@code bug}, and the client still gets NSQ's 500. The servers run with {@link #NO_URI_VALIDATION} set:
     * otherwise Quarkus answers an empty 400, unlogged and before any route, to every URI java.net.URI refuses.
     */
    public static void malformedRequests(Router router, Predicate<HttpServerRequest> readsQuery, Consumer<String> warn,
            BiConsumer<String, Throwable> bug) {
        router.route().order(-1000).handler(ctx -> {
            if (ctx.request().version() == null) {
                warn.accept(incident(ctx.request(), "unsupported protocol version"));
                goStatusError(ctx, 505, "HTTP Version Not Supported", "unsupported protocol version");
            } else {
                ctx.next();
            }
        });
        router.route().order(-1000).failureHandler(ctx -> answerFailure(router, ctx, readsQuery, warn, bug));
        // a query or path Vert.x Web cannot decode fails the request before any route, past the failure handlers
        router.errorHandler(400, ctx -> answerFailure(router, ctx, readsQuery, warn, bug));
    }

    private static void answerFailure(Router router, RoutingContext ctx, Predicate<HttpServerRequest> readsQuery,
            Consumer<String> warn, BiConsumer<String, Throwable> bug) {
        Throwable failure = ctx.failure();
        if (failure instanceof HttpException e && e.getStatusCode() == 400 && e.getCause() != null) {
            failure = e.getCause(); // Vert.x Web's wrapping of a query it could not decode
        }
        HttpServerRequest request = ctx.request();
        if (ctx.response().ended() || ctx.response().closed()) {
            return; // answered already, or the client is gone: the first failure was the one reported
        }
        if (request.version() == null) {
            warn.accept(incident(request, "unsupported protocol version"));
            goStatusError(ctx, 505, "HTTP Version Not Supported", "unsupported protocol version");
        } else if (request.version() == HttpVersion.HTTP_1_1 && request.getHeader("Host") == null) {
            warn.accept(incident(request, "missing required Host header"));
            goStatusError(ctx, 400, "Bad Request", "missing required Host header");
        } else if (!request.uri().startsWith("/")) {
            notAPath(router, ctx, warn);
        } else if (isUnreadableRequest(failure)) {
            // the body could not be read: nsqd's handlers answer 500 INTERNAL_ERROR, and the connection is done
            warn.accept(incident(request, "cannot read the request: " + failure.getMessage()));
            error(ctx, 500, "INTERNAL_ERROR");
            flushNow(request);
            request.connection().close();
        } else if ((failure == null || failure instanceof IllegalArgumentException) && !badEscape(request.path())
                && !readsQuery.test(request)) {
            // nsqd's handler here never parses the query (/ping, /info, a 404 or 405): served as if there were none
            ctx.reroute(request.method(), request.path());
        } else if (failure == null || failure instanceof IllegalArgumentException) {
            warn.accept(incident(request, failure == null ? "undecodable URI" : failure.getMessage()));
            if (badEscape(request.path())) {
                // net/http cannot parse the request target at all
                goStatusError(ctx, 400, "Bad Request", null);
            } else {
                // a query that cannot be decoded: nsqd's http_api.NewReqParams answers INVALID_REQUEST
                error(ctx, 400, "INVALID_REQUEST");
            }
        } else {
            bug.accept(incident(request, "failed"), failure);
            error(ctx, 500, "INTERNAL_ERROR");
        }
    }

    /**
     * A request target that is not a path, as net/http and httprouter answer it (nsqd and nsqlookupd v1.3.0): the
     * server-wide {@code *} gets 200 for OPTIONS and otherwise 405 with every method the server routes; anything else
     * ({@code ping}, {@code *?a=b}) is net/http's plain 400.
     */
    private static void notAPath(Router router, RoutingContext ctx, Consumer<String> warn) {
        HttpServerRequest request = ctx.request();
        if (request.uri().equals("*")) {
            if (request.method() == HttpMethod.OPTIONS) {
                ctx.response().end();
            } else {
                Set<String> methods = ROUTED_METHODS.getOrDefault(router, Set.of("OPTIONS"));
                String allow;
                synchronized (methods) {
                    allow = String.join(", ", methods);
                }
                ctx.response().putHeader("Allow", allow);
                error(ctx, 405, "METHOD_NOT_ALLOWED");
            }
        } else {
            warn.accept(incident(request, "not a path"));
            goStatusError(ctx, 400, "Bad Request", null);
        }
    }

    /**
     * The connection is closed right after a decoding failure is reported, while Netty still holds our answer for the
     * flush at the end of the read: it is flushed now so the client gets it.
     */
    private static void flushNow(HttpServerRequest request) {
        if (request.connection() instanceof ConnectionBase connection) {
            connection.flush();
        }
    }

    private static boolean isUnreadableRequest(Throwable t) {
        return t instanceof DecoderException || t instanceof TooLongFrameException || t instanceof NumberFormatException
                || t instanceof HttpClosedException;
    }

    /** Whether a {@code %} is not followed by two hex digits, as Go's url.PathUnescape refuses. */
    private static boolean badEscape(String path) {
        if (path == null) {
            return true;
        }
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
            if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
                return true;
            }
        }
        return false;
    }

    private static String incident(HttpServerRequest request, String what) {
        String uri = request.uri();
        if (uri.length() > 200) {
            uri = uri.substring(0, 200) + "...";
        }
        return "HTTP: " + request.method() + " " + uri + " from " + request.remoteAddress() + ": " + what;
    }

    /**
     * net/http's own answer to a request it refuses, {@code <code> <reason>[: <text>]} as status line and body, then
     * the connection closes.
     */
    private static void goStatusError(RoutingContext ctx, int code, String reason, String text) {
        String message = text == null ? reason : reason + ": " + text;
        String status = code + " " + message;
        ctx.response().setStatusCode(code).setStatusMessage(message).putHeader("Content-Type", TEXT_TYPE)
                .putHeader("Connection", "close").end(status).onComplete(done -> ctx.request().connection().close());
    }
}
