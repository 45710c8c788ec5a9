package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.Conditions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One NsqCluster under test, in a namespace of its own, seen and edited through the cluster-admin client, and the
 * parts of Kubernetes this API server lacks played by hand: the StatefulSet and Deployment controllers' status writes.
 */
final class Cluster {

    static final Duration WITHIN = Duration.ofSeconds(20);

    final KubernetesClient admin;
    final String namespace;
    final String name;

    Cluster(KubernetesClient admin, String namespace, String name) {
        this.admin = admin;
        this.namespace = namespace;
        this.name = name;
    }

    static Cluster create(KubernetesClient admin, String namespace, NsqClusterSpec spec) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        NsqCluster c = new NsqCluster();
        c.getMetadata().setName("demo");
        c.getMetadata().setNamespace(namespace);
        c.setSpec(spec);
        c.setStatus(null);
        admin.resource(c).create();
        return new Cluster(admin, namespace, "demo");
    }

    Resource<NsqCluster> resource() {
        return admin.resources(NsqCluster.class).inNamespace(namespace).withName(name);
    }

    NsqCluster get() {
        return resource().get();
    }

    /** A user's edit of the spec (kubectl edit): a new generation. Tried again when the operator wrote the status meanwhile. */
    void edit(Consumer<NsqClusterSpec> change) {
        retryOnConflict(() -> resource().edit(c -> {
            change.accept(c.getSpec());
            return c;
        }));
    }

    static void retryOnConflict(Runnable edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                edit.run();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    void annotate(String key, String value) {
        retryOnConflict(() -> resource().edit(c -> {
            if (value == null) {
                c.getMetadata().getAnnotations().remove(key);
            } else {
                c.getMetadata().getAnnotations().put(key, value);
            }
            return c;
        }));
    }

    StatefulSet statefulSet(String component) {
        return admin.apps().statefulSets().inNamespace(namespace).withName(name + "-" + component).get();
    }

    Deployment deployment(String component) {
        return admin.apps().deployments().inNamespace(namespace).withName(name + "-" + component).get();
    }

    StatefulSet awaitStatefulSet(String component) {
        await().atMost(WITHIN).until(() -> statefulSet(component) != null);
        return statefulSet(component);
    }

    Condition condition(String type) {
        NsqCluster c = get();
        return c.getStatus() == null ? null : Conditions.find(c.getStatus().conditions, type).orElse(null);
    }

    void awaitCondition(String type, String status, String reason) {
        await().atMost(WITHIN).untilAsserted(() -> assertThat(condition(type)).as(type).isNotNull()
                .satisfies(c -> assertThat(c.getStatus() + " " + c.getReason()).isEqualTo(status + " " + reason)));
    }

    /** What the StatefulSet controller reports once every pod of the current spec is ready. */
    void statefulSetReady(String component) {
        retryOnConflict(() -> admin.apps().statefulSets().inNamespace(namespace).withName(name + "-" + component).editStatus(s -> {
                int n = s.getSpec().getReplicas();
                s.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(s.getMetadata().getGeneration()).withReplicas(n)
                        .withReadyReplicas(n).withAvailableReplicas(n).withCurrentReplicas(n).withUpdatedReplicas(n)
                        .withCurrentRevision(component + "-" + s.getMetadata().getGeneration())
                        .withUpdateRevision(component + "-" + s.getMetadata().getGeneration()).build());
                return s;
            }));
    }

    /**
     * What the StatefulSet controller reports in the middle of a rolling restart: {@code updated} pods run the new
     * template, {@code ready} pods are ready.
     */
    void statefulSetRolling(String component, int updated, int ready) {
        retryOnConflict(() -> admin.apps().statefulSets().inNamespace(namespace).withName(name + "-" + component).editStatus(s -> {
            int n = s.getSpec().getReplicas();
            s.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(s.getMetadata().getGeneration()).withReplicas(n)
                    .withReadyReplicas(ready).withAvailableReplicas(ready).withCurrentReplicas(n - updated).withUpdatedReplicas(updated)
                    .withCurrentRevision(component + "-old").withUpdateRevision(component + "-" + s.getMetadata().getGeneration()).build());
            return s;
        }));
    }

    void deploymentReady(String component) {
        retryOnConflict(() -> admin.apps().deployments().inNamespace(namespace).withName(name + "-" + component).editStatus(d -> {
                int n = d.getSpec().getReplicas();
                d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(n)
                        .withReadyReplicas(n).withAvailableReplicas(n).withUpdatedReplicas(n).build());
                return d;
            }));
    }

    void allReady() {
        awaitStatefulSet("nsqlookupd");
        awaitStatefulSet("nsqd");
        await().atMost(WITHIN).until(() -> deployment("nsqadmin") != null);
        statefulSetReady("nsqlookupd");
        statefulSetReady("nsqd");
        deploymentReady("nsqadmin");
        awaitCondition(Conditions.READY, "True", "AllReplicasReady");
    }

    /** The Events about this cluster, oldest first, as "Type Reason: message". */
    List<String> events() {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && "NsqCluster".equals(e.getInvolvedObject().getKind()))
                .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp).thenComparing(e -> e.getMetadata().getCreationTimestamp()))
                .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage()).toList();
    }
}
