package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.Images;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * spec.auth.server on the real API server: the operator runs nsq_authd from the user's Secret of identities (a
 * Deployment and a Service, owned by the cluster) and points every nsqd at it, admits only nsqd when NetworkPolicies
 * are on; switched off, all of it goes and nsqd no longer asks it.
 */
@QuarkusTest
class AuthServerTest extends ApiServerTest {

    @Test
    void anNsqAuthdRunsFromTheSecretOfIdentitiesAndEveryNsqdAsksIt() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.auth = new NsqClusterSpec.AuthSpec();
        spec.auth.server = new NsqClusterSpec.AuthServerSpec();
        spec.auth.server.secretName = "nsq-identities";
        Cluster c = Cluster.create(admin, "auth-server", spec);

        await().atMost(Cluster.WITHIN).until(() -> c.deployment("authd") != null
                && admin.services().inNamespace("auth-server").withName("demo-authd").get() != null);
        Deployment authd = c.deployment("authd");
        assertThat(authd.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("NsqCluster"));
        assertThat(authd.getSpec().getReplicas()).isEqualTo(2);
        Container container = authd.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("ghcr.io/jnsq/jnsq-authd:" + Images.operatorVersion());
        assertThat(container.getArgs()).containsExactly("@/etc/jnsq/authd.args");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ping");
        assertThat(authd.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("identities");
            assertThat(v.getSecret().getSecretName()).isEqualTo("nsq-identities");
        });
        assertThat(admin.configMaps().inNamespace("auth-server").withName("demo-flags").get().getData().get("authd.args"))
                .isEqualTo("--http-address=0.0.0.0:4181\n--auth-file=/etc/jnsq-authd/auth.json\n--ttl=3600\n");
        Service service = admin.services().inNamespace("auth-server").withName("demo-authd").get();
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(4181));
        assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/name", "authd");
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(admin.configMaps().inNamespace("auth-server").withName("demo-flags").get()
                .getData().get("nsqd.args")).contains("--auth-http-address=demo-authd.auth-server.svc:4181\n"));

        // with NetworkPolicies, only nsqd may ask it
        c.edit(s -> s.networkPolicies.enabled = true);
        await().atMost(Cluster.WITHIN).until(() -> admin.network().v1().networkPolicies().inNamespace("auth-server").withName("demo-authd").get() != null);
        NetworkPolicy policy = admin.network().v1().networkPolicies().inNamespace("auth-server").withName("demo-authd").get();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "authd");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(r -> {
            assertThat(r.getFrom()).singleElement().satisfies(p -> assertThat(p.getPodSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/name", "nsqd").containsEntry("app.kubernetes.io/instance", "demo"));
            assertThat(r.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(4181));
        });

        c.edit(s -> s.auth.server = null);
        await().atMost(Cluster.WITHIN).until(() -> c.deployment("authd") == null
                && admin.services().inNamespace("auth-server").withName("demo-authd").get() == null
                && admin.network().v1().networkPolicies().inNamespace("auth-server").withName("demo-authd").get() == null);
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(admin.configMaps().inNamespace("auth-server").withName("demo-flags").get()
                .getData()).doesNotContainKey("authd.args").extractingByKey("nsqd.args").asString().doesNotContain("auth-http-address"));
    }
}
