package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.Conditions;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator as it runs in a cluster (Quarkus, JOSDK, the ServiceAccount's RBAC from deploy/) against a real
 * kube-apiserver: what a user sees of an NsqCluster, from creation to readiness, drift, pause and scaling.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServer.class, restrictToAnnotatedClass = false)
class NsqClusterOperatorTest extends ApiServerTest {

    @Test
    void aNewClusterGetsEveryObjectServerSideAppliedAndAStatusSayingWhatItWaitsFor() {
        Cluster c = Cluster.create(admin, "create", new NsqClusterSpec());
        StatefulSet nsqd = c.awaitStatefulSet("nsqd");
        await().atMost(Cluster.WITHIN).until(() -> c.deployment("nsqadmin") != null
                && admin.policy().v1().podDisruptionBudget().inNamespace("create").list().getItems().size() == 2);
        assertThat(admin.services().inNamespace("create").list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("demo-nsqlookupd-headless", "demo-nsqlookupd", "demo-nsqd-headless", "demo-nsqadmin");
        assertThat(admin.configMaps().inNamespace("create").withName("demo-flags").get().getData()).containsKeys("nsqd.args",
                "nsqlookupd.args", "nsqadmin.args");
        for (HasMetadata owned : List.<HasMetadata>of(nsqd, c.statefulSet("nsqlookupd"), c.deployment("nsqadmin"),
                admin.services().inNamespace("create").withName("demo-nsqd-headless").get())) {
            assertThat(owned.getMetadata().getOwnerReferences()).as(owned.getKind() + " " + owned.getMetadata().getName()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("NsqCluster");
                assertThat(o.getController()).isTrue();
            });
            assertThat(owned.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
                    .contains(org.assertj.core.groups.Tuple.tuple(ClusterNames.FIELD_MANAGER, "Apply"));
        }

        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getMessage())
                .isEqualTo("waiting for nsqlookupd 0/3, nsqd 0/3, nsqadmin 0/1"));
        NsqCluster seen = c.get();
        assertThat(seen.getStatus().observedGeneration).isEqualTo(seen.getMetadata().getGeneration());
        assertThat(seen.getStatus().nsqd).isEqualTo("0/3");
        assertThat(seen.getStatus().endpoints.lookupdHttp).isEqualTo("demo-nsqlookupd.create.svc:4161");
        assertThat(c.condition(Conditions.READY).getLastTransitionTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(c.events()).contains("Normal Creating: creating nsqlookupd x3, nsqd x3, nsqadmin");
    }

    @Test
    void readinessWrittenByTheControllersReachesTheStatusWithoutPolling() {
        Cluster c = Cluster.create(admin, "ready", new NsqClusterSpec());
        c.awaitStatefulSet("nsqd");
        c.allReady();
        NsqCluster seen = c.get();
        assertThat(seen.getStatus().ready).isEqualTo("True");
        assertThat(seen.getStatus().nsqd).isEqualTo("3/3");
        assertThat(c.condition(Conditions.PROGRESSING).getReason()).isEqualTo("Stable");
        // the scale subresource reads the ready brokers
        GenericKubernetesResource scale = admin.genericKubernetesResources("autoscaling/v1", "Scale").inNamespace("ready")
                .withName("demo").get();
        assertThat(scale).isNull(); // (a Scale is not a listable kind: read it through the subresource below)
        assertThat(admin.resources(NsqCluster.class).inNamespace("ready").withName("demo").scale().getStatus().getReplicas()).isEqualTo(3);

        // a broker going unready shows at once
        Cluster.retryOnConflict(() -> admin.apps().statefulSets().inNamespace("ready").withName("demo-nsqd").editStatus(s -> {
                s.getStatus().setReadyReplicas(2);
                s.getStatus().setAvailableReplicas(2);
                return s;
            }));
        c.awaitCondition(Conditions.READY, "False", "Waiting");
        assertThat(c.condition(Conditions.READY).getMessage()).isEqualTo("waiting for nsqd 2/3");
    }

    @Test
    void aDeletedOrHandEditedObjectIsPutBackAndOtherToolsChangesStay() {
        Cluster c = Cluster.create(admin, "drift", new NsqClusterSpec());
        c.allReady();
        admin.services().inNamespace("drift").withName("demo-nsqd-headless").delete();
        await().atMost(Cluster.WITHIN).until(() -> {
            Service s = admin.services().inNamespace("drift").withName("demo-nsqd-headless").get();
            return s != null && s.getMetadata().getDeletionTimestamp() == null;
        });

        Cluster.retryOnConflict(() -> admin.apps().statefulSets().inNamespace("drift").withName("demo-nsqlookupd").edit(s -> {
                s.getSpec().setReplicas(1);
                return s;
            }));
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqlookupd").getSpec().getReplicas() == 3);

        // kubectl rollout restart: an annotation on the pod template the operator does not own
        Cluster.retryOnConflict(() -> admin.apps().deployments().inNamespace("drift").withName("demo-nsqadmin").edit(d -> {
                d.getSpec().getTemplate().getMetadata().getAnnotations().put("kubectl.kubernetes.io/restartedAt", "2026-11-25T10:00:00Z");
                return d;
            }));
        Cluster.retryOnConflict(() -> admin.apps().statefulSets().inNamespace("drift").withName("demo-nsqd").edit(s -> {
                s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("example.com/not-nsqd:1");
                return s;
            }));
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqd").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getImage().startsWith("ghcr.io/jnsq/jnsq-nsqd:"));
        assertThat(c.deployment("nsqadmin").getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-11-25T10:00:00Z");
    }

    @Test
    void theAnnotationAlonePausesAndResumes() {
        Cluster c = Cluster.create(admin, "pause", new NsqClusterSpec());
        c.awaitStatefulSet("nsqlookupd");
        c.annotate(ClusterNames.PAUSE_ANNOTATION, "true");
        c.awaitCondition(Conditions.PAUSED, "True", "Paused");
        c.edit(s -> s.lookupd.replicas = 5);
        await().during(java.time.Duration.ofSeconds(2)).atMost(Cluster.WITHIN)
                .until(() -> c.statefulSet("nsqlookupd").getSpec().getReplicas() == 3);
        c.annotate(ClusterNames.PAUSE_ANNOTATION, null);
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqlookupd").getSpec().getReplicas() == 5);
        c.awaitCondition(Conditions.PAUSED, "False", "Reconciling");
        assertThat(c.events()).contains("Normal Paused: reconciliation paused by annotation jnsq.io/pause-reconciliation",
                "Normal Resumed: annotation jnsq.io/pause-reconciliation removed: reconciling again",
                "Normal Scaling: nsqlookupd scaled from 3 to 5");
    }

    @Test
    void anInvalidSpecIsRefusedInTheStatusAndAnEventAndNothingIsMade() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.nsqd.config = Map.of("tcp-address", "0.0.0.0:9999");
        Cluster c = Cluster.create(admin, "invalid", spec);
        c.awaitCondition(Conditions.READY, "False", "InvalidSpec");
        assertThat(c.condition(Conditions.WARNING).getMessage()).isEqualTo("spec.nsqd.config.tcp-address: the operator sets --tcp-address itself");
        assertThat(c.statefulSet("nsqd")).isNull();
        assertThat(c.events()).containsExactly("Warning InvalidSpec: spec.nsqd.config.tcp-address: the operator sets --tcp-address itself");
    }

    @Test
    void scalingUpGrowsTheStatefulSet() {
        Cluster c = Cluster.create(admin, "grow", new NsqClusterSpec());
        c.allReady();
        c.edit(s -> s.nsqd.replicas = 5);
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqd").getSpec().getReplicas() == 5);
        c.awaitCondition(Conditions.READY, "False", "Waiting");
        assertThat(c.get().getStatus().nsqd).isEqualTo("3/5");
        c.statefulSetReady("nsqd");
        c.awaitCondition(Conditions.READY, "True", "AllReplicasReady");
        assertThat(c.events()).contains("Normal Scaling: nsqd scaled from 3 to 5");
    }

    @Test
    void switchingNsqadminOffDeletesItsDeploymentAndService() {
        Cluster c = Cluster.create(admin, "no-admin", new NsqClusterSpec());
        c.allReady();
        c.edit(s -> s.admin.enabled = false);
        await().atMost(Cluster.WITHIN).until(() -> c.deployment("nsqadmin") == null
                && admin.services().inNamespace("no-admin").withName("demo-nsqadmin").get() == null);
        c.awaitCondition(Conditions.READY, "True", "AllReplicasReady");
        assertThat(c.get().getStatus().endpoints.adminUrl).isNull();
    }

    @Test
    void networkPoliciesAreMadeWhenEnabledFollowNsqadminAndAreDeletedWhenDisabledAndTheStatusNamesTheCaSecret() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.tls = new NsqClusterSpec.TlsSpec();
        spec.tls.secretName = "nsq-tls";
        Cluster c = Cluster.create(admin, "netpol", spec);
        c.allReady();
        assertThat(policies("netpol")).as("off by default").isEmpty();
        assertThat(c.get().getStatus().endpoints.caSecret).as("where clients find the CA").isEqualTo("nsq-tls");

        c.edit(s -> s.networkPolicies.enabled = true);
        await().atMost(Cluster.WITHIN).until(() -> policies("netpol").size() == 3);
        assertThat(policies("netpol")).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("demo-nsqd", "demo-nsqlookupd", "demo-nsqadmin");
        NetworkPolicy nsqd = admin.network().v1().networkPolicies().inNamespace("netpol").withName("demo-nsqd").get();
        assertThat(nsqd.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("NsqCluster"));
        assertThat(nsqd.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "nsqd");
        assertThat(nsqd.getSpec().getIngress()).extracting(r -> r.getPorts().stream().map(p -> p.getPort().getIntVal()).toList())
                .containsExactly(List.of(4150, 4151, 4152), List.of(4151, 4152), List.of(4151));
        assertThat(nsqd.getSpec().getIngress().get(2).getFrom()).singleElement().satisfies(p -> assertThat(p.getNamespaceSelector()
                .getMatchLabels()).containsEntry("kubernetes.io/metadata.name", KubeApiServer.OPERATOR_NAMESPACE));
        String version = nsqd.getMetadata().getResourceVersion();

        c.edit(s -> s.admin.enabled = false);
        await().atMost(Cluster.WITHIN).until(() -> policies("netpol").size() == 2);
        assertThat(admin.network().v1().networkPolicies().inNamespace("netpol").withName("demo-nsqd").get().getMetadata()
                .getResourceVersion()).as("applied once, not rewritten on each pass").isEqualTo(version);

        c.edit(s -> s.networkPolicies.enabled = false);
        await().atMost(Cluster.WITHIN).until(() -> policies("netpol").isEmpty());
        c.awaitCondition(Conditions.READY, "True", "AllReplicasReady");
    }

    private static List<NetworkPolicy> policies(String namespace) {
        return admin.network().v1().networkPolicies().inNamespace(namespace).list().getItems();
    }

    @Test
    void theExampleAppliedWithKubectlBecomesAReadyCluster() throws Exception {
        Kubectl.run("create", "namespace", "example");
        Kubectl.run("apply", "-n", "example", "-f", KubeApiServer.DEPLOY.resolve("examples/nsqcluster.yaml").toString());
        Cluster c = new Cluster(admin, "example", "demo");
        c.allReady();
        String get = Kubectl.run("get", "nsq", "-n", "example");
        assertThat(get).containsPattern("demo\\s+True\\s+3/3\\s+3/3\\s+\\d+s");
        assertThat(c.statefulSet("nsqd").getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
                .hasToString("5Gi");
        assertThat(admin.configMaps().inNamespace("example").withName("demo-flags").get().getData().get("nsqd.args"))
                .contains("--max-msg-size=1048576\n--mem-queue-size=10000\n");
    }
}
