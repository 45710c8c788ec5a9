package io.jnsq.broker;

import io.jnsq.broker.auth.AuthServers;
import io.jnsq.cli.DaemonLauncher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Listens on {@code --tcp-address} for protocol V2 clients, on half the event loops (at least one): a publisher and
 * its consumers then often share a loop, and a message goes from PUB to the consumer's socket without waking another
 * thread. The other half (and the JIT, the collector and the storage threads) keep the rest of the CPUs. Measured side
 * by side with nsqd on 2 cores (one TCP loop instead of two): publish-to-deliver p50 0.2 -> 0.1 ms and p99 2.2-7x
 * nsqd's -> 0.5-1.0x, throughput unchanged within the noise; {@link EventLoops} sizes the pool.
 */
@Singleton
public class TcpServer {

    private static final Logger LOG = Logger.getLogger(TcpServer.class);

    private final Vertx vertx;
    private final Nsqd nsqd;
    private final NsqdOptions options;
    private final AtomicInteger actualPort = new AtomicInteger(-1);
    private final AuthServers authServers;
    private final AtomicInteger connections = new AtomicInteger();
    private String deploymentId;

    @Inject
    public TcpServer(Vertx vertx, Nsqd nsqd, NsqdOptions options) {
        this.vertx = vertx;
        this.nsqd = nsqd;
        this.options = options;
        this.authServers = new AuthServers(options.authHttpAddresses, options.httpClientConnectTimeout,
                options.httpClientRequestTimeout, options.tlsRootCaFile);
    }

    void start(@Observes StartupEvent event) throws Exception {
        nsqd.restore();
        int instances = Math.max(1, EventLoops.count() / 2);
        deploymentId = DaemonLauncher.listening(vertx.deployVerticle(Listener::new,
                new DeploymentOptions().setInstances(instances)).toCompletionStage(), options.tcpAddress);
        LOG.infof("TCP: listening on %s:%d", options.tcpHost(), actualPort.get());
    }

    void stop(@Observes ShutdownEvent event) {
        try {
            if (deploymentId != null) {
                vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warnf("TCP: stopping the listener: %s", e.getMessage());
        }
        nsqd.shutdown();
    }

    /** The port clients connect to (useful when {@code --tcp-address} asked for port 0). */
    public int port() {
        return actualPort.get();
    }

    /** Open client connections, for /metrics. */
    public int connections() {
        return connections.get();
    }

    private final class Listener extends AbstractVerticle {
        private NetServer server;

        @Override
        public void start(Promise<Void> started) {
            NetServerOptions netOptions = new NetServerOptions()
                    .setHost(options.tcpHost())
                    .setPort(options.tcpPort())
                    .setTcpNoDelay(true)
                    .setReuseAddress(true);
            if (options.tlsEnabled()) {
                ServerTls.apply(netOptions, options, false); // IDENTIFY upgrades a connection that asks for tls_v1
            }
            server = vertx.createNetServer(netOptions).connectHandler(socket -> {
                ClientConnection client = new ClientConnection(vertx, socket, context, nsqd);
                connections.incrementAndGet();
                ProtocolV2 protocol = new ProtocolV2(client, nsqd, context, authServers);
                LOG.debugf("TCP: new client(%s)", client);
                socket.handler(protocol::onData);
                socket.closeHandler(v -> {
                    connections.decrementAndGet();
                    client.closed();
                });
                socket.exceptionHandler(e -> LOG.debugf("[%s] %s", client, e.getMessage()));
                client.startHeartbeat();
            });
            server.listen().onSuccess(s -> {
                actualPort.set(s.actualPort());
                started.complete();
            }).onFailure(started::fail);
        }

        @Override
        public void stop(Promise<Void> stopped) {
            server.close().onComplete(r -> stopped.complete());
        }
    }
}
