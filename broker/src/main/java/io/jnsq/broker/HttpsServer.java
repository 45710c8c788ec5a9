package io.jnsq.broker;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * nsqd's HTTPS listener on {@code --https-address}, serving the same routes as HTTP, when TLS is configured; and
 * {@code --tls-required=true}'s refusal of plain HTTP with nsqd's 403 {@code TLS_REQUIRED} naming the HTTPS port.
 */
@Singleton
public class HttpsServer {

    private static final Logger LOG = Logger.getLogger(HttpsServer.class);

    private final Vertx vertx;
    private final NsqdOptions opts;
    private Router router;
    private HttpServer server;

    @Inject
    public HttpsServer(Vertx vertx, NsqdOptions opts) {
        this.vertx = vertx;
        this.opts = opts;
    }

    void routes(@Observes Router router) {
        this.router = router;
        if (opts.tlsRequiredLevel() == NsqdOptions.TLS_REQUIRED) {
            router.route().order(-300).handler(ctx -> {
                if (ctx.request().isSSL()) {
                    ctx.next();
                    return;
                }
                ctx.response().setStatusCode(403)
                        .putHeader("Content-Type", "application/json; charset=utf-8")
                        .putHeader("X-Nsq-Content-Type", "nsq; version=1.0")
                        .end("{\"message\": \"TLS_REQUIRED\", \"https_port\": " + port() + "}");
            });
        }
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (!opts.tlsEnabled() || opts.httpsAddress.isEmpty() || router == null) {
            return;
        }
        HttpServerOptions options = ServerTls.apply(new HttpServerOptions()
                .setHost(NsqdOptions.host(opts.httpsAddress))
                .setPort(NsqdOptions.port("--https-address", opts.httpsAddress)), opts, true);
        server = io.jnsq.cli.DaemonLauncher.listening(
                vertx.createHttpServer(options).requestHandler(router).listen().toCompletionStage(), opts.httpsAddress);
        LOG.infof("HTTPS: listening on %s:%d", NsqdOptions.host(opts.httpsAddress), server.actualPort());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("HTTPS: stopping the listener: %s", e.getMessage());
            }
        }
    }

    /** The HTTPS port (0 when not listening). */
    public int port() {
        return server == null ? 0 : server.actualPort();
    }
}
