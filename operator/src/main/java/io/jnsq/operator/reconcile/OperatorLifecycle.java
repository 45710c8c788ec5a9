package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.InformerStoppedHandler;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.quarkus.runtime.Quarkus;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.jnsq.operator.NsqCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.jnsq.operator.drain.BrokerEndpoints;
import io.jnsq.operator.drain.NsqdDrain;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the Java Operator SDK with the NsqCluster controller on Quarkus' Kubernetes client and its metrics in Quarkus'
 * registry ({@code operator_sdk_*} at /q/metrics), and stops it: the wiring the quarkus-operator-sdk extension would
 * generate. With {@code jnsq.operator.leader-election.namespace} set (the
 * Deployment sets it to its own namespace), replicas elect a leader through a Lease and only the leader reconciles.
 */
@Singleton
public class OperatorLifecycle {

    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);
    static final String LEASE = "jnsq-operator-lease";

    private final KubernetesClient client;
    private final MeterRegistry metrics;
    private final BrokerEndpoints endpoints;
    private final Clock clock;
    private final boolean enabled;
    private final List<String> namespaces;
    private final Optional<String> leaseNamespace;
    private final String identity;
    private final OperatorMetrics decisions;
    private final String ownNamespace;
    private volatile Operator operator;
    private volatile boolean stopping;

    public OperatorLifecycle(KubernetesClient client, BrokerEndpoints endpoints, Clock clock, MeterRegistry metrics,
            @ConfigProperty(name = "jnsq.operator.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "jnsq.operator.namespaces", defaultValue = "*") List<String> namespaces,
            @ConfigProperty(name = "jnsq.operator.leader-election.namespace") Optional<String> leaseNamespace,
            @ConfigProperty(name = "jnsq.operator.identity", defaultValue = "${HOSTNAME:jnsq-operator}") String identity,
            @ConfigProperty(name = "jnsq.operator.namespace") String ownNamespace) {
        this.ownNamespace = ownNamespace;
        this.client = client;
        this.metrics = metrics;
        this.endpoints = endpoints;
        this.clock = clock;
        this.enabled = enabled;
        this.namespaces = namespaces;
        this.leaseNamespace = leaseNamespace;
        this.identity = identity;
        this.decisions = new OperatorMetrics(metrics);
    }

    void start(@Observes StartupEvent e) {
        if (!enabled) {
            return;
        }
        Operator o = new Operator(c -> {
            c.withKubernetesClient(client).withCloseClientOnStop(false)
                    .withInformerStoppedHandler(informerStopped(() -> stopping, () -> Quarkus.asyncExit(1)))
                    .withMetrics(new AggregatedMetrics(List.of(MicrometerMetrics.withoutPerResourceMetrics(metrics), decisions)));
            leaseNamespace.ifPresent(ns -> c.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
                    .aLeaderElectionConfiguration(LEASE).withLeaseNamespace(ns).withIdentity(identity)
                    // built this way JOSDK does not System.exit() when leadership ends (a shutdown ends it too): the
                    // callback ends the process only when the lease was lost
                    .withLeaderCallbacks(new LeaderCallbacks(() -> LOG.infof("%s leads", identity), this::leadershipLost,
                            leader -> LOG.infof("leader: %s", leader)))
                    .build()));
        });
        NsqClusterReconciler reconciler = new NsqClusterReconciler(endpoints, new NsqdDrain(), new StorageGrowth(client),
                new ClusterEvents(client, clock, identity, decisions), clock, decisions, ownNamespace);
        o.register(reconciler, c -> {
            if (namespaces.contains("*")) {
                c.watchingAllNamespaces();
            } else {
                c.settingNamespaces(namespaces.toArray(String[]::new));
            }
        });
        o.start();
        operator = o;
        LOG.infof("reconciling NsqClusters (%s) in %s%s", NsqCluster.GROUP + "/" + NsqCluster.VERSION,
                namespaces.contains("*") ? "all namespaces" : namespaces,
                leaseNamespace.map(ns -> ", leader elected through Lease " + ns + "/" + LEASE + " as " + identity).orElse(""));
    }

    /** Another replica may be reconciling now: this one stops at once rather than run alongside it (it restarts). */
    private void leadershipLost() {
        if (!stopping) {
            LOG.error("lost the leader election: exiting so that only the new leader reconciles");
            Quarkus.asyncExit(1);
        }
    }

    /**
     * What happens when an informer that had synced stops on an error (its watch can no longer be re-established):
     * as JOSDK's default, the process exits so that Kubernetes restarts it with fresh watches, but through Quarkus'
     * orderly shutdown rather than {@code System.exit}, and not while the operator is stopping anyway. A reconcile
     * that starts an informer (the ServiceMonitor one, say) as the operator stops sees it fail on the closed client;
     * JOSDK's own handler then exited the JVM with status 1 in the middle of a clean shutdown.
     */
    static InformerStoppedHandler informerStopped(BooleanSupplier stopping, Runnable exit) {
        return (informer, error) -> {
            if (stopping.getAsBoolean() || error == null || !informer.hasSynced()) {
                LOG.debugf("an informer stopped (operator stopping: %s): %s", stopping.getAsBoolean(), error);
                return;
            }
            LOG.errorf(error, "an informer stopped and cannot watch again: exiting so that the pod restarts");
            exit.run();
        };
    }

    void stop(@Observes ShutdownEvent e) {
        stopping = true;
        if (operator != null) {
            operator.stop();
        }
    }

    /** Started, and every informer connected (for the readiness probe); true when the operator is switched off. */
    public boolean healthy() {
        Operator o = operator;
        return !enabled || (o != null && o.getRuntimeInfo().isStarted() && o.getRuntimeInfo().allEventSourcesAreHealthy());
    }
}
