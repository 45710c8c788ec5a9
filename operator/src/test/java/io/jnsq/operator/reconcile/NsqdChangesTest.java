package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.Conditions;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Changes to running brokers: flags and images roll them; volumes grow where the storage class allows it. */
@QuarkusTest
class NsqdChangesTest extends ApiServerTest {

    @BeforeAll
    static void storageClasses() {
        for (var e : Map.of("expandable", true, "fixed", false).entrySet()) {
            admin.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName(e.getKey()).endMetadata()
                    .withProvisioner("example.com/disks").withAllowVolumeExpansion(e.getValue()).build()).createOr(x -> x.update());
        }
    }

    private static String hash(StatefulSet s) {
        return s.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
    }

    @Inject
    LoopbackBrokers brokers;

    private static int partition(StatefulSet s) {
        return s.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();
    }

    @Test
    void aFlagChangeRestartsOneBrokerAtATimeEachOnlyOnceReadyAndRegisteredWithLookupd() {
        Cluster c = Cluster.create(admin, "roll", new NsqClusterSpec());
        c.allReady();
        String before = hash(c.statefulSet("nsqd"));
        assertThat(partition(c.statefulSet("nsqd"))).isZero();
        c.edit(s -> s.nsqd.config = Map.of("mem-queue-size", "20000"));
        await().atMost(Cluster.WITHIN).until(() -> !before.equals(hash(c.statefulSet("nsqd"))));
        assertThat(admin.configMaps().inNamespace("roll").withName("demo-flags").get().getData().get("nsqd.args"))
                .contains("--mem-queue-size=20000\n");
        assertThat(partition(c.statefulSet("nsqd"))).as("only the highest broker restarts first").isEqualTo(2);

        c.statefulSetRolling("nsqd", 1, 2); // the StatefulSet controller replaced demo-nsqd-2; it is starting
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getMessage())
                .isEqualTo("waiting for nsqd 2/3 (1 updated), demo-nsqd-2 to restart and be ready"));
        c.statefulSetRolling("nsqd", 1, 3); // ready, but not yet known to lookupd
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getMessage())
                .isEqualTo("waiting for nsqd 3/3 (1 updated), demo-nsqd-2 to register with every lookupd"));
        assertThat(partition(c.statefulSet("nsqd"))).isEqualTo(2);

        brokers.registerWithLookupd("demo-nsqd-2.demo-nsqd-headless.roll.svc");
        await().atMost(Cluster.WITHIN).until(() -> partition(c.statefulSet("nsqd")) == 1);
        c.statefulSetRolling("nsqd", 2, 3);
        brokers.registerWithLookupd("demo-nsqd-1.demo-nsqd-headless.roll.svc");
        await().atMost(Cluster.WITHIN).until(() -> partition(c.statefulSet("nsqd")) == 0);
        c.statefulSetReady("nsqd");
        c.awaitCondition(Conditions.READY, "True", "AllReplicasReady");
        assertThat(c.events()).contains("Normal RollingRestart: demo-nsqd: flags or image changed, restarting its pods one at a time",
                "Normal RollingRestart: demo-nsqd-2 restarted, ready and registered with every lookupd; restarting demo-nsqd-1",
                "Normal RollingRestart: demo-nsqd-1 restarted, ready and registered with every lookupd; restarting demo-nsqd-0");
    }

    @Test
    void anImageChangeRollsTheBrokersToo() {
        Cluster c = Cluster.create(admin, "image", new NsqClusterSpec());
        c.allReady();
        c.edit(s -> s.version = "9.9.9");
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqd").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getImage().equals("ghcr.io/jnsq/jnsq-nsqd:9.9.9"));
        assertThat(partition(c.statefulSet("nsqd"))).isEqualTo(2);
        assertThat(c.statefulSet("nsqlookupd").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/jnsq/jnsq-nsqlookupd:9.9.9");
    }

    @Test
    void growingStorageExpandsEveryClaimAndRecreatesTheStatefulSetWithoutItsPods() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.nsqd.storage.size = "1Gi";
        spec.nsqd.storage.storageClassName = "expandable";
        Cluster c = Cluster.create(admin, "grow-volumes", spec);
        c.allReady();
        claims(c, "expandable");

        c.edit(s -> s.nsqd.storage.size = "2Gi");
        await().atMost(Cluster.WITHIN).until(() -> admin.persistentVolumeClaims().inNamespace(c.namespace).list().getItems().stream()
                .allMatch(p -> p.getSpec().getResources().getRequests().get("storage").equals(new Quantity("2Gi"))));
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqd").isMarkedForDeletion());
        assertThat(c.statefulSet("nsqd").getMetadata().getFinalizers()).as("pods orphaned, not deleted").containsExactly("orphan");
        c.awaitCondition(Conditions.READY, "False", "RecreatingStatefulSet");

        // the garbage collector orphans the pods and lets the StatefulSet go
        Cluster.retryOnConflict(() -> admin.apps().statefulSets().inNamespace(c.namespace).withName("demo-nsqd").edit(s -> {
                s.getMetadata().setFinalizers(List.of());
                return s;
            }));
        await().atMost(Cluster.WITHIN).until(() -> {
            StatefulSet s = c.statefulSet("nsqd");
            return s != null && !s.isMarkedForDeletion()
                    && s.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage").equals(new Quantity("2Gi"));
        });
        assertThat(c.events()).contains("Normal ExpandingVolumes: nsqd volumes grow from 1Gi to 2Gi: 3 claims expanded; the StatefulSet"
                + " is re-created with the new claim template, its pods keep running");
    }

    @Test
    void aStorageChangeThatCannotBeMadeIsRefusedAndLaterChangesStillApply() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.nsqd.storage.size = "1Gi";
        spec.nsqd.storage.storageClassName = "fixed";
        Cluster c = Cluster.create(admin, "fixed-volumes", spec);
        c.allReady();
        claims(c, "fixed");

        c.edit(s -> s.nsqd.storage.size = "5Gi");
        c.awaitCondition(Conditions.WARNING, "True", "StorageChangeRefused");
        assertThat(c.condition(Conditions.WARNING).getMessage())
                .isEqualTo("storage class fixed does not allow volume expansion: the brokers keep 1Gi volumes");
        c.edit(s -> s.lookupd.replicas = 5);
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqlookupd").getSpec().getReplicas() == 5);
        assertThat(c.statefulSet("nsqd").getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests()
                .get("storage")).isEqualTo(new Quantity("1Gi"));
        assertThat(c.statefulSet("nsqd").isMarkedForDeletion()).isFalse();
        assertThat(c.events()).contains("Warning StorageChangeRefused: storage class fixed does not allow volume expansion: the brokers"
                + " keep 1Gi volumes");
    }

    /** The claims the StatefulSet controller makes for each broker, bound by the volume controller. */
    private static void claims(Cluster c, String storageClass) {
        for (int i = 0; i < 3; i++) {
            PersistentVolumeClaim claim = admin.persistentVolumeClaims().inNamespace(c.namespace).resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName("data-demo-nsqd-" + i).withLabels(new ClusterNames("demo", c.namespace).selector(ClusterNames.NSQD))
                    .endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(storageClass)
                    .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec()
                    .build()).create();
            claim.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").withAccessModes("ReadWriteOnce")
                    .addToCapacity("storage", new Quantity("1Gi")).build());
            admin.resource(claim).updateStatus();
        }
    }
}
