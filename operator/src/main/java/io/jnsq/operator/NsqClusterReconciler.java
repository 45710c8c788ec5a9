package io.jnsq.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes the cluster an NsqCluster describes, as a checklist: honour a pause; refuse an invalid spec in the status;
 * Services; lookupd; nsqd (a scale-down drains the leaving broker first); nsqadmin; disruption budgets; status.
 * Everything made is owned by the NsqCluster, so deleting it deletes them.
 */
public class NsqClusterReconciler implements Reconciler<NsqCluster> {

    private static final Logger LOG = Logger.getLogger(NsqClusterReconciler.class);
    static final Duration RECHECK = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final BrokerEndpoints endpoints;
    private final NsqdDrain drain;
    private final Clock clock;

    public NsqClusterReconciler(KubernetesClient client, BrokerEndpoints endpoints, NsqdDrain drain, Clock clock) {
        this.client = client;
        this.endpoints = endpoints;
        this.drain = drain;
        this.clock = clock;
    }

    @Override
    public UpdateControl<NsqCluster> reconcile(NsqCluster cluster, Context<NsqCluster> context) {
        NsqClusterStatus status = cluster.getStatus() == null ? new NsqClusterStatus() : cluster.getStatus();
        cluster.setStatus(status);
        status.observedGeneration = cluster.getMetadata().getGeneration();
        if (isPaused(cluster)) {
            condition(status, "ReconciliationPaused", true, "Paused", "annotation " + ClusterNames.PAUSE_ANNOTATION + " is \"true\"");
            return UpdateControl.patchStatus(cluster);
        }
        condition(status, "ReconciliationPaused", false, "Reconciling", "");
        Optional<String> invalid = ComponentFlags.problem(cluster.getSpec());
        if (invalid.isPresent()) {
            condition(status, "Ready", false, "InvalidSpec", invalid.get());
            condition(status, "Warning", true, "InvalidSpec", invalid.get());
            status.ready = "False";
            return UpdateControl.patchStatus(cluster);
        }
        condition(status, "Warning", false, "None", "");

        ClusterServices.of(cluster).forEach(s -> apply(cluster, s));
        apply(cluster, LookupdStatefulSet.of(cluster));
        boolean replicasPutBack = reconcileNsqd(cluster, status);
        reconcileAdmin(cluster);
        DisruptionBudgets.of(cluster).forEach(b -> apply(cluster, b));
        boolean ready = updateStatus(cluster, status);

        UpdateControl<NsqCluster> control = replicasPutBack ? UpdateControl.patchResourceAndStatus(cluster)
                : UpdateControl.patchStatus(cluster);
        return ready && status.drain == null ? control : control.rescheduleAfter(RECHECK);
    }

    /**
     * Applies the nsqd StatefulSet. Growing, and template changes, go through at once; shrinking goes one broker at a
     * time, each only once drained, or is given up (the spec's replicas put back, a Warning) after the drain timeout.
     * Returns whether the spec was changed (replicas put back).
     */
    private boolean reconcileNsqd(NsqCluster cluster, NsqClusterStatus status) {
        ClusterNames names = new ClusterNames(cluster);
        int desired = cluster.getSpec().nsqd.replicas;
        StatefulSet existing = client.apps().statefulSets().inNamespace(names.namespace()).withName(names.of(ClusterNames.NSQD)).get();
        int current = existing == null || existing.getSpec().getReplicas() == null ? desired : existing.getSpec().getReplicas();
        if (desired >= current) {
            status.drain = null;
            apply(cluster, NsqdStatefulSet.of(cluster, desired));
            return false;
        }
        int leaving = current - 1;
        String pod = names.podName(ClusterNames.NSQD, leaving);
        if (status.drain == null || !pod.equals(status.drain.pod)) {
            status.drain = new NsqClusterStatus.Drain();
            status.drain.pod = pod;
            status.drain.startedAt = Instant.now(clock).toString();
        }
        NsqdDrain.Progress progress = drain.step(endpoints.nsqdHttp(names, leaving),
                endpoints.lookupdHttp(names, cluster.getSpec().lookupd.replicas));
        if (progress.drained()) {
            LOG.infof("%s/%s: %s drained, scaling nsqd to %d", names.namespace(), names.cluster(), pod, leaving);
            status.drain = null;
            apply(cluster, NsqdStatefulSet.of(cluster, leaving));
            condition(status, "Progressing", true, "ScalingDown", pod + " drained and removed");
            return false;
        }
        Duration waited = Duration.between(Instant.parse(status.drain.startedAt), Instant.now(clock));
        if (waited.getSeconds() >= cluster.getSpec().nsqd.drainTimeoutSeconds) {
            String why = "drain of " + pod + " did not finish within " + cluster.getSpec().nsqd.drainTimeoutSeconds + "s ("
                    + progress.detail() + "); nsqd replicas put back to " + current;
            LOG.warnf("%s/%s: %s", names.namespace(), names.cluster(), why);
            status.drain = null;
            cluster.getSpec().nsqd.replicas = current;
            condition(status, "Warning", true, "DrainTimedOut", why);
            apply(cluster, NsqdStatefulSet.of(cluster, current));
            return true;
        }
        condition(status, "Progressing", true, "Draining", "draining " + pod + " before removing it: " + progress.detail());
        apply(cluster, NsqdStatefulSet.of(cluster, current));
        return false;
    }

    private void reconcileAdmin(NsqCluster cluster) {
        ClusterNames names = new ClusterNames(cluster);
        if (cluster.getSpec().admin.enabled) {
            apply(cluster, AdminDeployment.of(cluster));
        } else {
            client.apps().deployments().inNamespace(names.namespace()).withName(names.of(ClusterNames.ADMIN)).delete();
            client.services().inNamespace(names.namespace()).withName(names.of(ClusterNames.ADMIN)).delete();
        }
    }

    /** Ready counts, endpoints and the Ready/Progressing conditions; returns whether everything is ready. */
    private boolean updateStatus(NsqCluster cluster, NsqClusterStatus status) {
        ClusterNames names = new ClusterNames(cluster);
        NsqClusterSpec spec = cluster.getSpec();
        int lookupdReady = readyReplicas(client.apps().statefulSets().inNamespace(names.namespace())
                .withName(names.of(ClusterNames.LOOKUPD)).get());
        int nsqdReady = readyReplicas(client.apps().statefulSets().inNamespace(names.namespace())
                .withName(names.of(ClusterNames.NSQD)).get());
        Deployment admin = spec.admin.enabled
                ? client.apps().deployments().inNamespace(names.namespace()).withName(names.of(ClusterNames.ADMIN)).get() : null;
        int adminReady = admin == null || admin.getStatus() == null || admin.getStatus().getReadyReplicas() == null
                ? 0 : admin.getStatus().getReadyReplicas();
        status.lookupdReadyReplicas = lookupdReady;
        status.nsqdReadyReplicas = nsqdReady;
        status.adminReadyReplicas = spec.admin.enabled ? adminReady : null;
        status.lookupd = lookupdReady + "/" + spec.lookupd.replicas;
        status.nsqd = nsqdReady + "/" + spec.nsqd.replicas;
        status.selector = names.selectorString(ClusterNames.NSQD);
        NsqClusterStatus.Endpoints e = new NsqClusterStatus.Endpoints();
        for (int i = 0; i < spec.nsqd.replicas; i++) {
            e.nsqdTcp.add(names.podHost(ClusterNames.NSQD, i) + ":" + ClusterNames.NSQD_TCP);
        }
        e.lookupdHttp = names.of(ClusterNames.LOOKUPD) + "." + names.namespace() + ".svc:" + ClusterNames.LOOKUPD_HTTP;
        e.adminUrl = spec.admin.enabled ? "http://" + names.of(ClusterNames.ADMIN) + "." + names.namespace() + ".svc:" + ClusterNames.ADMIN_HTTP : null;
        status.endpoints = e;
        boolean ready = lookupdReady >= spec.lookupd.replicas && nsqdReady >= spec.nsqd.replicas
                && (!spec.admin.enabled || adminReady >= spec.admin.replicas) && status.drain == null;
        List<String> waiting = new ArrayList<>();
        if (lookupdReady < spec.lookupd.replicas) {
            waiting.add("nsqlookupd " + status.lookupd);
        }
        if (nsqdReady < spec.nsqd.replicas) {
            waiting.add("nsqd " + status.nsqd);
        }
        if (spec.admin.enabled && adminReady < spec.admin.replicas) {
            waiting.add("nsqadmin " + adminReady + "/" + spec.admin.replicas);
        }
        condition(status, "Ready", ready, ready ? "AllReplicasReady" : "Waiting",
                ready ? "every component is ready" : "waiting for " + String.join(", ", waiting));
        if (status.drain == null) {
            condition(status, "Progressing", !ready, ready ? "Stable" : "Rollout", ready ? "" : "waiting for " + String.join(", ", waiting));
        }
        status.ready = ready ? "True" : "False";
        return ready;
    }

    private static int readyReplicas(StatefulSet s) {
        return s == null || s.getStatus() == null || s.getStatus().getReadyReplicas() == null ? 0 : s.getStatus().getReadyReplicas();
    }

    static boolean isPaused(NsqCluster cluster) {
        return cluster.getMetadata().getAnnotations() != null
                && "true".equalsIgnoreCase(cluster.getMetadata().getAnnotations().get(ClusterNames.PAUSE_ANNOTATION));
    }

    /**
     * Creates or updates (replaces) an object owned by the cluster. The observed status is carried over: the API server
     * ignores it on update anyway, and the mock server the tests use would otherwise drop it.
     */
    private <T extends HasMetadata> void apply(NsqCluster cluster, T object) {
        object.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                .withApiVersion(cluster.getApiVersion()).withKind(cluster.getKind())
                .withName(cluster.getMetadata().getName()).withUid(cluster.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build()));
        var resource = client.resource(object).inNamespace(cluster.getMetadata().getNamespace());
        T existing = resource.get();
        if (existing == null) {
            resource.create();
            return;
        }
        object.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        if (object instanceof StatefulSet s && existing instanceof StatefulSet e) {
            s.setStatus(e.getStatus());
        } else if (object instanceof Deployment d && existing instanceof Deployment e) {
            d.setStatus(e.getStatus());
        } else if (object instanceof io.fabric8.kubernetes.api.model.Service s && existing instanceof io.fabric8.kubernetes.api.model.Service e) {
            s.getSpec().setClusterIP(e.getSpec().getClusterIP()); // assigned by the API server, immutable
            s.getSpec().setClusterIPs(e.getSpec().getClusterIPs());
        }
        client.resource(object).inNamespace(cluster.getMetadata().getNamespace()).update();
    }

    /** Sets a condition, keeping its transition time unless its status changed. */
    private void condition(NsqClusterStatus status, String type, boolean value, String reason, String message) {
        String s = value ? "True" : "False";
        Condition existing = status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String since = existing != null && s.equals(existing.getStatus()) ? existing.getLastTransitionTime() : Instant.now(clock).toString();
        status.conditions.removeIf(c -> type.equals(c.getType()));
        status.conditions.add(new ConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build());
    }
}
