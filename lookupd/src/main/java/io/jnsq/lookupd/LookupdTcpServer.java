package io.jnsq.lookupd;

import io.jnsq.cli.DaemonLauncher;
import io.jnsq.cli.ListenAddress;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Listens on {@code --tcp-address} for nsqd peers speaking protocol V1. */
@Singleton
public class LookupdTcpServer {

    private static final Logger LOG = Logger.getLogger(LookupdTcpServer.class);

    private final Vertx vertx;
    private final RegistrationDB db;
    private final LookupdOptions options;
    private final int httpPort;
    private NetServer server;

    @Inject
    public LookupdTcpServer(Vertx vertx, RegistrationDB db, LookupdOptions options,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "4161") int httpPort) {
        this.vertx = vertx;
        this.db = db;
        this.options = options;
        this.httpPort = httpPort;
    }

    void start(@Observes StartupEvent event) throws Exception {
        NetServerOptions netOptions = new NetServerOptions().setHost(ListenAddress.host(options.tcpAddress))
                .setPort(ListenAddress.port("--tcp-address", options.tcpAddress)).setReuseAddress(true);
        server = vertx.createNetServer(netOptions).connectHandler(socket -> {
            LookupProtocolV1 protocol = new LookupProtocolV1(socket, db, options, port(), advertisedHttpPort());
            socket.handler(protocol::onData);
            socket.closeHandler(v -> protocol.closed());
            socket.exceptionHandler(e -> LOG.debugf("TCP: %s", e.getMessage()));
        });
        DaemonLauncher.listening(server.listen().toCompletionStage(), options.tcpAddress);
        LOG.infof("TCP: listening on %s:%d", ListenAddress.host(options.tcpAddress), server.actualPort());
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    private int advertisedHttpPort() {
        int configured = ListenAddress.port("--http-address", options.httpAddress);
        return configured != 0 ? configured : boundHttpPort(httpPort);
    }

    /** With port 0, Quarkus publishes the port it bound once the HTTP server is up. */
    static int boundHttpPort(int fallback) {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return config.getOptionalValue("quarkus.http.test-port", Integer.class).filter(p -> p > 0)
                .or(() -> config.getOptionalValue("quarkus.http.port", Integer.class).filter(p -> p > 0))
                .orElse(fallback);
    }
}
