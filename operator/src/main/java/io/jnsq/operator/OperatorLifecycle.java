package io.jnsq.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Starts the Java Operator SDK with the NsqCluster reconciler on Quarkus' Kubernetes client, and stops it. */
@Singleton
public class OperatorLifecycle {

    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    private final KubernetesClient client;
    private final boolean enabled;
    private final List<String> namespaces;
    private Operator operator;

    public OperatorLifecycle(KubernetesClient client,
            @ConfigProperty(name = "jnsq.operator.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "jnsq.operator.namespaces", defaultValue = "*") List<String> namespaces) {
        this.client = client;
        this.enabled = enabled;
        this.namespaces = namespaces;
    }

    void start(@Observes StartupEvent e) {
        if (!enabled) {
            return;
        }
        // status is patched with a JSON merge patch rather than server-side apply: the operator owns the whole status,
        // and the fabric8 mock server the tests run against does not take apply patches on /status
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false));
        NsqClusterReconciler reconciler = new NsqClusterReconciler(client, BrokerEndpoints.DNS, new NsqdDrain(), Clock.systemUTC());
        operator.register(reconciler, c -> {
            if (namespaces.contains("*")) {
                c.watchingAllNamespaces();
            } else {
                c.settingNamespaces(namespaces.toArray(String[]::new));
            }
        });
        operator.start();
        LOG.infof("reconciling NsqClusters (%s) in %s", NsqCluster.GROUP + "/" + NsqCluster.VERSION,
                namespaces.contains("*") ? "all namespaces" : namespaces);
    }

    void stop(@Observes ShutdownEvent e) {
        if (operator != null) {
            operator.stop();
        }
    }
}
