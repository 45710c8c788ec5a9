package io.jnsq.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator as it runs: Quarkus starts JOSDK, which sees a new NsqCluster on the (mock) API server and acts. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(OperatorWiringTest.Running.class)
class OperatorWiringTest {

    /** Starts the operator, which the other tests leave off. */
    public static class Running implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jnsq.operator.enabled", "true");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void anNsqClusterAppliedToTheApiServerIsReconciled() throws Exception {
        NsqCluster c = new NsqCluster();
        c.getMetadata().setName("wired");
        c.getMetadata().setNamespace("default");
        client.resource(c).inNamespace("default").create();
        long deadline = System.currentTimeMillis() + 30_000;
        while (client.apps().statefulSets().inNamespace("default").withName("wired-nsqd").get() == null
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(client.apps().statefulSets().inNamespace("default").withName("wired-nsqd").get()).isNotNull();
        while ((client.resources(NsqCluster.class).inNamespace("default").withName("wired").get().getStatus() == null
                || client.resources(NsqCluster.class).inNamespace("default").withName("wired").get().getStatus().ready == null)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        NsqClusterStatus status = client.resources(NsqCluster.class).inNamespace("default").withName("wired").get().getStatus();
        assertThat(status.ready).isEqualTo("False");
        assertThat(status.nsqd).isEqualTo("0/3");
    }
}
