package io.jnsq.operator.reconcile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.NsqClusterStatus;
import io.jnsq.operator.model.Conditions;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * nsqd's scale-down against the real API server, with the leaving broker simulated over HTTP: drained first, recorded
 * in the status, and on a timeout held (the spec untouched) until the user decides; a cluster deleted mid-drain leaves
 * the operator's count of drains.
 */
@QuarkusTest
class NsqdScaleDownTest extends ApiServerTest {

    @Inject
    LoopbackBrokers brokers;

    @Test
    void theLeavingBrokerIsTombstonedAndDrainedBeforeTheStatefulSetShrinks() throws Exception {
        Cluster c = Cluster.create(admin, "shrink", new NsqClusterSpec());
        c.allReady();
        LoopbackBrokers.Nsqd leaving = brokers.register("shrink", "demo", 2, 5);
        c.edit(s -> s.nsqd.replicas = 2);

        c.awaitCondition(Conditions.READY, "False", "Draining");
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.get().getStatus().drain.remaining).isEqualTo(5));
        NsqClusterStatus.Drain drain = c.get().getStatus().drain;
        assertThat(drain.pod).isEqualTo("demo-nsqd-2");
        assertThat(drain.phase).isEqualTo("Draining");
        assertThat(drain.message).startsWith("5 messages still on 127.0.0.1:");
        assertThat(c.statefulSet("nsqd").getSpec().getReplicas()).as("held while draining").isEqualTo(3);
        assertThat(brokers.tombstones()).anyMatch(q -> q.startsWith("topic=orders&node=127.0.0.1"));

        leaving.depth(0); // its consumers took the rest
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqd").getSpec().getReplicas() == 2);
        await().atMost(Cluster.WITHIN).until(() -> c.get().getStatus().drain == null);
        c.statefulSetReady("nsqd");
        c.awaitCondition(Conditions.READY, "True", "AllReplicasReady");
        assertThat(c.events()).contains("Normal Draining: draining demo-nsqd-2 before removing it (nsqd 3 -> 2)",
                "Normal ScaledDown: demo-nsqd-2 drained and removed; nsqd scaled to 2");
    }

    @Test
    void aClusterDeletedMidDrainIsNoLongerCountedAsDraining() throws Exception {
        double before = drainsActive();
        Cluster c = Cluster.create(admin, "deleted-mid-drain", new NsqClusterSpec());
        c.allReady();
        brokers.register("deleted-mid-drain", "demo", 2, 3);
        c.edit(s -> s.nsqd.replicas = 2);
        c.awaitCondition(Conditions.READY, "False", "Draining");
        await().atMost(Cluster.WITHIN).until(() -> drainsActive() == before + 1);

        c.resource().delete();
        await().atMost(Cluster.WITHIN).until(() -> drainsActive() == before);
    }

    /** {@code jnsq_operator_drains_active} as Prometheus reads it from the operator. */
    private static double drainsActive() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("jnsq_operator_drains_active "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim())).findFirst().orElseThrow();
    }

    @Test
    void aDrainThatTimesOutHoldsTheStatefulSetLeavesTheSpecAloneAndWaitsForTheUser() throws Exception {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.nsqd.drainTimeoutSeconds = 10;
        Cluster c = Cluster.create(admin, "stuck", spec);
        c.allReady();
        brokers.register("stuck", "demo", 2, 7);
        c.edit(s -> s.nsqd.replicas = 2);
        long generation = c.get().getMetadata().getGeneration();

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getReason()).isEqualTo("DrainTimedOut"));
        assertThat(c.condition(Conditions.READY).getMessage()).isEqualTo("drain of demo-nsqd-2 did not finish within 10s (7 messages"
                + " still on 127.0.0.1:" + brokers.nsqdHttp(new io.jnsq.operator.model.ClusterNames("demo", "stuck"), 2).split(":")[1]
                + "); nsqd is held at 3 replicas: raise spec.nsqd.drainTimeoutSeconds, set spec.nsqd.replicas back to 3, or set"
                + " spec.nsqd.forceScaleDown: true");
        assertThat(c.get().getStatus().drain.phase).isEqualTo("TimedOut");
        assertThat(c.statefulSet("nsqd").getSpec().getReplicas()).isEqualTo(3);
        assertThat(c.get().getSpec().nsqd.replicas).as("the user's spec").isEqualTo(2);
        assertThat(c.get().getMetadata().getGeneration()).as("nobody wrote the spec").isEqualTo(generation);
        assertThat(c.events()).anyMatch(e -> e.startsWith("Warning DrainTimedOut: drain of demo-nsqd-2 did not finish within 10s"));

        // what the user sees (kept in target/ for the README's examples)
        String get = Kubectl.run("get", "nsq", "-n", "stuck");
        String describe = Kubectl.run("describe", "nsq", "demo", "-n", "stuck");
        Files.writeString(KubeApiServer.MODULE.resolve("target/kubectl-drain-timed-out.txt"), "$ kubectl get nsq\n" + get
                + "\n$ kubectl describe nsq demo\n" + describe);
        assertThat(get.lines().findFirst().orElseThrow().split("\\s+")).containsExactly("NAME", "READY", "NSQD", "LOOKUPD", "AGE");
        assertThat(get).containsPattern("demo\\s+False\\s+3/2\\s+3/3");
        assertThat(describe).contains("Reason:                DrainTimedOut", "Warning  DrainTimedOut", "Normal   Draining");

        c.edit(s -> s.nsqd.drainTimeoutSeconds = 600);
        c.awaitCondition(Conditions.READY, "False", "Draining");

        c.edit(s -> s.nsqd.replicas = 3);
        await().atMost(Cluster.WITHIN).until(() -> c.get().getStatus().drain == null);
        c.awaitCondition(Conditions.READY, "True", "AllReplicasReady");

        c.edit(s -> {
            s.nsqd.replicas = 2;
            s.nsqd.forceScaleDown = true;
        });
        await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqd").getSpec().getReplicas() == 2);
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.events()).contains("Normal Draining: drain timeout raised to 600s: waiting for demo-nsqd-2 again",
                "Normal ScaleDownCancelled: nsqd replicas are 3 again: demo-nsqd-2 stays",
                "Warning ForcedScaleDown: nsqd scaled from 3 to 2 without draining (spec.nsqd.forceScaleDown)"));
    }
}
