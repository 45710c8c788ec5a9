package io.jnsq.operator.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.NsqClusterStatus;
import io.jnsq.operator.NsqClusterStatus.Drain;
import io.jnsq.operator.drain.ScaleDown;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.ComponentFlags;
import io.jnsq.operator.model.Conditions;
import io.jnsq.operator.model.TlsSecrets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status a reconcile reports, built from the previous one (conditions keep their transition times) and what the
 * pass found: ready counts from the StatefulSets' and Deployment's own status (kept current by informers), the
 * workflow's ready conditions, the drain, refused storage changes. Written only when it differs from what is there.
 */
final class StatusReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NsqClusterStatus status;
    private final NsqCluster cluster;
    private final Instant now;

    private StatusReport(NsqClusterStatus status, NsqCluster cluster, Instant now) {
        this.status = status;
        this.cluster = cluster;
        this.now = now;
    }

    static StatusReport startingFrom(NsqClusterStatus before, NsqCluster cluster, Instant now) {
        NsqClusterStatus s = JSON.convertValue(before, NsqClusterStatus.class);
        if (s.conditions == null) {
            s.conditions = new ArrayList<>();
        }
        s.observedGeneration = cluster.getMetadata().getGeneration();
        return new StatusReport(s, cluster, now);
    }

    static String configHash(NsqCluster cluster, String statefulSet, String certificateHash) {
        ClusterNames names = new ClusterNames(cluster);
        for (String c : List.of(ClusterNames.NSQD, ClusterNames.LOOKUPD)) {
            if (names.of(c).equals(statefulSet)) {
                return ComponentFlags.configHash(cluster.getSpec(), names, c, certificateHash);
            }
        }
        return null;
    }

    void paused(boolean paused) {
        set(Conditions.PAUSED, paused, paused ? "Paused" : "Reconciling", paused
                ? "annotation " + ClusterNames.PAUSE_ANNOTATION + " is \"true\": nothing is changed until it is removed" : "");
    }

    void invalid(String problem) {
        set(Conditions.READY, false, "InvalidSpec", problem);
        set(Conditions.WARNING, true, "InvalidSpec", problem);
        status.ready = "False";
    }

    void failed(String message) {
        set(Conditions.READY, false, "ReconcileFailed", message);
        status.ready = "False";
    }

    /** The message of a Warning condition that is True, if any. */
    String warningMessage(NsqClusterStatus before) {
        return Conditions.find(before.conditions, Conditions.WARNING).filter(c -> "True".equals(c.getStatus()))
                .map(Condition::getMessage).orElse(null);
    }

    void observe(StatefulSet lookupd, StatefulSet nsqd, Deployment admin, Optional<WorkflowReconcileResult> result, Drain drain,
            StorageGrowth.Outcome volumes, String rollWaitsFor, Optional<String> certificateWaitsFor, Optional<String> secretMissing) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        int lookupdReady = ready(lookupd);
        int nsqdReady = ready(nsqd);
        int adminReady = admin == null || admin.getStatus() == null ? 0 : StatefulSetReady.count(admin.getStatus().getReadyReplicas());
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
        e.caSecret = TlsSecrets.caSecret(spec, names);
        status.endpoints = e;
        status.drain = drain;

        List<String> waiting = new ArrayList<>();
        certificateWaitsFor.ifPresent(waiting::add);
        if (!ready(lookupd, spec.lookupd.replicas)) {
            waiting.add("nsqlookupd " + describe(lookupd, spec.lookupd.replicas));
        }
        if (!ready(nsqd, drain == null ? spec.nsqd.replicas : nsqd == null ? spec.nsqd.replicas : nsqd.getSpec().getReplicas())) {
            waiting.add("nsqd " + describe(nsqd, spec.nsqd.replicas));
        }
        if (spec.admin.enabled && (admin == null || !DeploymentReady.isReady(admin))) {
            waiting.add("nsqadmin " + adminReady + "/" + spec.admin.replicas);
        }
        boolean allReady = result.map(WorkflowReconcileResult::allDependentResourcesReady).orElse(false) && waiting.isEmpty();
        boolean rolling = rolling(lookupd) || rolling(nsqd);

        if (drain != null && Drain.TIMED_OUT.equals(drain.phase)) {
            String why = ScaleDown.timedOut(drain, spec, nsqd == null ? spec.nsqd.replicas : nsqd.getSpec().getReplicas());
            set(Conditions.READY, false, "DrainTimedOut", why);
            set(Conditions.PROGRESSING, false, "DrainTimedOut", why);
        } else if (drain != null) {
            String why = "draining " + drain.pod + " before removing it: " + drain.message;
            set(Conditions.READY, false, "Draining", why);
            set(Conditions.PROGRESSING, true, "Draining", why);
        } else if (volumes.recreating()) {
            String why = "re-creating the nsqd StatefulSet with " + spec.nsqd.storage.size + " volumes (pods keep running)";
            set(Conditions.READY, false, "RecreatingStatefulSet", why);
            set(Conditions.PROGRESSING, true, "RecreatingStatefulSet", why);
        } else if (secretMissing.isPresent()) {
            set(Conditions.READY, false, AdminSecrets.REASON, secretMissing.get());
            set(Conditions.PROGRESSING, false, AdminSecrets.REASON, secretMissing.get());
        } else if (allReady) {
            set(Conditions.READY, true, "AllReplicasReady", "every component is ready");
            set(Conditions.PROGRESSING, false, "Stable", "");
        } else {
            String reason = rolling || rollWaitsFor != null ? "RollingUpdate" : "Waiting";
            if (rollWaitsFor != null) {
                waiting.add(rollWaitsFor);
            }
            String why = "waiting for " + (waiting.isEmpty() ? "the workflow" : String.join(", ", waiting));
            set(Conditions.READY, false, reason, why);
            set(Conditions.PROGRESSING, true, reason, why);
        }
        if (volumes.refused().isPresent()) {
            set(Conditions.WARNING, true, "StorageChangeRefused", volumes.refused().get());
        } else if (secretMissing.isPresent()) {
            set(Conditions.WARNING, true, AdminSecrets.REASON, secretMissing.get());
        } else if (drain != null && Drain.TIMED_OUT.equals(drain.phase)) {
            set(Conditions.WARNING, true, "DrainTimedOut", "drain of " + drain.pod + " timed out");
        } else {
            set(Conditions.WARNING, false, "None", "");
        }
        status.ready = Conditions.isTrue(status.conditions, Conditions.READY) ? "True" : "False";
    }

    private static int ready(StatefulSet s) {
        return s == null || s.getStatus() == null ? 0 : StatefulSetReady.count(s.getStatus().getReadyReplicas());
    }

    private static boolean ready(StatefulSet s, int want) {
        return s != null && StatefulSetReady.isReady(s) && s.getSpec().getReplicas() == want;
    }

    private static boolean rolling(StatefulSet s) {
        return s != null && s.getStatus() != null && s.getStatus().getUpdateRevision() != null
                && !s.getStatus().getUpdateRevision().equals(s.getStatus().getCurrentRevision());
    }

    private static String describe(StatefulSet s, int want) {
        if (s == null || s.getStatus() == null) {
            return "0/" + want;
        }
        String d = ready(s) + "/" + want;
        return rolling(s) ? d + " (" + StatefulSetReady.count(s.getStatus().getUpdatedReplicas()) + " updated)" : d;
    }

    private void set(String type, boolean value, String reason, String message) {
        Conditions.set(status.conditions, type, value, reason, message, now);
    }

    boolean changedFrom(NsqClusterStatus before) {
        return !JSON.valueToTree(status).equals(JSON.valueToTree(before));
    }

    /** What server-side apply sends to the status subresource: the name, and the whole status the operator owns. */
    NsqCluster asPatch(NsqCluster of) {
        NsqCluster patch = new NsqCluster();
        patch.setMetadata(new ObjectMetaBuilder().withName(of.getMetadata().getName()).withNamespace(of.getMetadata().getNamespace()).build());
        patch.setSpec(null);
        patch.setStatus(status);
        return patch;
    }
}
