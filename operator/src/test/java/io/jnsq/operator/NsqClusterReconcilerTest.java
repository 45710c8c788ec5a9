package io.jnsq.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconciler against the fabric8 Kubernetes mock server in CRUD mode: what it makes of an NsqCluster. */
@EnableKubernetesMockClient(crud = true)
class NsqClusterReconcilerTest {

    KubernetesClient client;

    private final MutableClock clock = new MutableClock();
    private final ScriptedDrain drain = new ScriptedDrain();
    private NsqClusterReconciler reconciler;

    @BeforeEach
    void reconciler() {
        reconciler = new NsqClusterReconciler(client, BrokerEndpoints.DNS, drain, clock);
    }

    private NsqCluster create(String name, NsqClusterSpec spec) {
        NsqCluster c = new NsqCluster();
        c.getMetadata().setName(name);
        c.getMetadata().setNamespace("prod");
        c.setSpec(spec);
        return client.resource(c).inNamespace("prod").create();
    }

    private UpdateControl<NsqCluster> reconcile(NsqCluster c) {
        NsqCluster fresh = client.resources(NsqCluster.class).inNamespace("prod").withName(c.getMetadata().getName()).get();
        fresh.setStatus(c.getStatus());
        UpdateControl<NsqCluster> control = reconciler.reconcile(fresh, null);
        c.setStatus(fresh.getStatus());
        c.setSpec(fresh.getSpec());
        return control;
    }

    private StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace("prod").withName(name).get();
    }

    private static Container container(PodSpec pod) {
        return pod.getContainers().get(0);
    }

    private static Condition condition(NsqCluster c, String type) {
        return c.getStatus().conditions.stream().filter(x -> x.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void aDefaultClusterIsThreeLookupdsThreeBrokersAndAnAdminWithStableNames() {
        NsqCluster c = create("demo", new NsqClusterSpec());
        reconcile(c);

        StatefulSet lookupd = statefulSet("demo-nsqlookupd");
        assertThat(lookupd.getSpec().getReplicas()).isEqualTo(3);
        assertThat(lookupd.getSpec().getServiceName()).isEqualTo("demo-nsqlookupd-headless");
        assertThat(container(lookupd.getSpec().getTemplate().getSpec()).getArgs()).containsExactly(
                "--tcp-address=0.0.0.0:4160", "--http-address=0.0.0.0:4161",
                "--broadcast-address=$(POD_NAME).demo-nsqlookupd-headless.prod.svc");

        StatefulSet nsqd = statefulSet("demo-nsqd");
        assertThat(nsqd.getSpec().getReplicas()).isEqualTo(3);
        PodSpec pod = nsqd.getSpec().getTemplate().getSpec();
        Container broker = container(pod);
        assertThat(broker.getImage()).isEqualTo("ghcr.io/jnsq/jnsq-nsqd:0.1.0-SNAPSHOT");
        assertThat(broker.getArgs()).containsExactly("--tcp-address=0.0.0.0:4150", "--http-address=0.0.0.0:4151",
                "--data-path=/data", "--broadcast-address=$(POD_NAME).demo-nsqd-headless.prod.svc",
                "--lookupd-tcp-address=demo-nsqlookupd-0.demo-nsqlookupd-headless.prod.svc:4160",
                "--lookupd-tcp-address=demo-nsqlookupd-1.demo-nsqlookupd-headless.prod.svc:4160",
                "--lookupd-tcp-address=demo-nsqlookupd-2.demo-nsqlookupd-headless.prod.svc:4160");
        assertThat(broker.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(broker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ping");
        assertThat(broker.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(4151);
        assertThat(broker.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/ping");
        assertThat(broker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(broker.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(broker.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(120);
        assertThat(broker.getVolumeMounts()).extracting("mountPath").contains("/data", "/tmp");
        assertThat(nsqd.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage").toString())
                .isEqualTo("10Gi");
        assertThat(nsqd.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Retain");
        assertThat(nsqd.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(ClusterNames.CONFIG_HASH_ANNOTATION);

        List<Service> services = client.services().inNamespace("prod").list().getItems();
        assertThat(services).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("demo-nsqlookupd-headless", "demo-nsqlookupd", "demo-nsqd-headless", "demo-nsqadmin");
        Service headless = client.services().inNamespace("prod").withName("demo-nsqd-headless").get();
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();

        Deployment admin = client.apps().deployments().inNamespace("prod").withName("demo-nsqadmin").get();
        assertThat(container(admin.getSpec().getTemplate().getSpec()).getArgs()).containsExactly("--http-address=0.0.0.0:4171",
                "--lookupd-http-address=demo-nsqlookupd-0.demo-nsqlookupd-headless.prod.svc:4161",
                "--lookupd-http-address=demo-nsqlookupd-1.demo-nsqlookupd-headless.prod.svc:4161",
                "--lookupd-http-address=demo-nsqlookupd-2.demo-nsqlookupd-headless.prod.svc:4161");

        List<PodDisruptionBudget> pdbs = client.policy().v1().podDisruptionBudget().inNamespace("prod").list().getItems();
        assertThat(pdbs).hasSize(2).allMatch(b -> b.getSpec().getMaxUnavailable().getIntVal() == 1);

        for (var owned : List.of(lookupd, nsqd, admin, headless, pdbs.get(0))) {
            assertThat(owned.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("NsqCluster");
                assertThat(o.getName()).isEqualTo("demo");
                assertThat(o.getController()).isTrue();
            });
        }
        assertThat(c.getStatus().ready).isEqualTo("False");
        assertThat(condition(c, "Ready").getMessage()).isEqualTo("waiting for nsqlookupd 0/3, nsqd 0/3, nsqadmin 0/1");
        assertThat(c.getStatus().endpoints.nsqdTcp).contains("demo-nsqd-0.demo-nsqd-headless.prod.svc:4150");
        assertThat(c.getStatus().endpoints.lookupdHttp).isEqualTo("demo-nsqlookupd.prod.svc:4161");
        assertThat(c.getStatus().selector).isEqualTo("app.kubernetes.io/name=nsqd,app.kubernetes.io/instance=demo");
    }

    @Test
    void readyStatefulSetsMakeTheClusterReady() {
        NsqCluster c = create("ready", new NsqClusterSpec());
        UpdateControl<NsqCluster> first = reconcile(c);
        assertThat(first.getScheduleDelay()).hasValue(NsqClusterReconciler.RECHECK.toMillis());
        for (String s : List.of("ready-nsqlookupd", "ready-nsqd")) {
            StatefulSet set = statefulSet(s);
            set.setStatus(new StatefulSetStatusBuilder().withReplicas(3).withReadyReplicas(3).build());
            client.resource(set).inNamespace("prod").updateStatus();
        }
        Deployment admin = client.apps().deployments().inNamespace("prod").withName("ready-nsqadmin").get();
        admin.setStatus(new DeploymentStatusBuilder().withReadyReplicas(1).build());
        client.resource(admin).inNamespace("prod").updateStatus();

        UpdateControl<NsqCluster> second = reconcile(c);
        assertThat(c.getStatus().ready).isEqualTo("True");
        assertThat(c.getStatus().nsqd).isEqualTo("3/3");
        assertThat(c.getStatus().lookupd).isEqualTo("3/3");
        assertThat(c.getStatus().nsqdReadyReplicas).isEqualTo(3);
        assertThat(condition(c, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(c, "Progressing").getStatus()).isEqualTo("False");
        assertThat(second.getScheduleDelay()).isEmpty();
    }

    @Test
    void changingTheConfigChangesThePodTemplateSoPodsRoll() {
        NsqClusterSpec spec = new NsqClusterSpec();
        NsqCluster c = create("roll", spec);
        reconcile(c);
        String before = statefulSet("roll-nsqd").getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
        NsqCluster edited = client.resources(NsqCluster.class).inNamespace("prod").withName("roll").get();
        edited.getSpec().nsqd.config = Map.of("mem-queue-size", "20000");
        client.resource(edited).inNamespace("prod").update();
        reconcile(c);
        StatefulSet after = statefulSet("roll-nsqd");
        assertThat(container(after.getSpec().getTemplate().getSpec()).getArgs()).contains("--mem-queue-size=20000");
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION)).isNotEqualTo(before);
    }

    @Test
    void anInvalidSpecIsReportedInTheStatusAndNothingIsMade() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.nsqd.config = Map.of("tcp-address", "0.0.0.0:9999");
        NsqCluster c = create("bad", spec);
        UpdateControl<NsqCluster> control = reconcile(c);
        assertThat(control.isPatchStatus()).isTrue();
        assertThat(condition(c, "Ready").getReason()).isEqualTo("InvalidSpec");
        assertThat(condition(c, "Warning").getMessage()).isEqualTo("spec.nsqd.config.tcp-address: the operator sets --tcp-address itself");
        assertThat(statefulSet("bad-nsqd")).isNull();

        spec.nsqd.config = Map.of("mem-queue-sise", "1");
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.nsqd.config.mem-queue-sise: not a nsqd flag");
    }

    @Test
    void aPausedClusterIsLeftAlone() {
        NsqCluster c = create("paused", new NsqClusterSpec());
        reconcile(c);
        NsqCluster edited = client.resources(NsqCluster.class).inNamespace("prod").withName("paused").get();
        edited.getMetadata().setAnnotations(Map.of(ClusterNames.PAUSE_ANNOTATION, "true"));
        edited.getSpec().lookupd.replicas = 5;
        client.resource(edited).inNamespace("prod").update();
        reconcile(c);
        assertThat(statefulSet("paused-nsqlookupd").getSpec().getReplicas()).isEqualTo(3);
        assertThat(condition(c, "ReconciliationPaused").getStatus()).isEqualTo("True");
    }

    @Test
    void scalingDownDrainsTheLastBrokerFirst() {
        NsqCluster c = create("shrink", new NsqClusterSpec());
        reconcile(c);
        setReplicas("shrink", 2);

        drain.drained = false;
        UpdateControl<NsqCluster> waiting = reconcile(c);
        assertThat(statefulSet("shrink-nsqd").getSpec().getReplicas()).as("kept while draining").isEqualTo(3);
        assertThat(drain.asked).isEqualTo("shrink-nsqd-2.shrink-nsqd-headless.prod.svc:4151");
        assertThat(c.getStatus().drain.pod).isEqualTo("shrink-nsqd-2");
        assertThat(condition(c, "Progressing").getReason()).isEqualTo("Draining");
        assertThat(waiting.getScheduleDelay()).isPresent();

        drain.drained = true;
        reconcile(c);
        assertThat(statefulSet("shrink-nsqd").getSpec().getReplicas()).isEqualTo(2);
        assertThat(c.getStatus().drain).isNull();
    }

    @Test
    void aDrainThatTakesTooLongPutsTheReplicasBackWithAWarning() {
        NsqCluster c = create("stuck", new NsqClusterSpec());
        reconcile(c);
        setReplicas("stuck", 1);
        drain.drained = false;
        reconcile(c);
        clock.advance(Duration.ofSeconds(601));
        UpdateControl<NsqCluster> control = reconcile(c);
        assertThat(control.isPatchResourceAndStatus()).isTrue();
        assertThat(c.getSpec().nsqd.replicas).isEqualTo(3);
        assertThat(statefulSet("stuck-nsqd").getSpec().getReplicas()).isEqualTo(3);
        assertThat(condition(c, "Warning").getReason()).isEqualTo("DrainTimedOut");
        assertThat(condition(c, "Warning").getMessage()).startsWith("drain of stuck-nsqd-2 did not finish within 600s");
    }

    private void setReplicas(String name, int replicas) {
        NsqCluster edited = client.resources(NsqCluster.class).inNamespace("prod").withName(name).get();
        edited.getSpec().nsqd.replicas = replicas;
        client.resource(edited).inNamespace("prod").update();
    }

    /** A drain that answers what the test says. */
    static final class ScriptedDrain extends NsqdDrain {
        boolean drained;
        String asked;

        @Override
        public Progress step(String nsqdHttp, List<String> lookupdHttps) {
            asked = nsqdHttp;
            return new Progress(drained, drained ? 0 : 7, drained ? "drained" : "7 messages still on it");
        }
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
