package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.Conditions;
import io.jnsq.operator.model.TlsSecrets;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.admin.auth on the real API server: while a referenced Secret is missing the cluster says so (Ready=False
 * SecretMissing, a Warning Event); once the user's Secrets are there, nsqadmin mounts one key of each read-only and is
 * given their paths as flags (the client secret never in the ConfigMap), and a new users file rolls it.
 */
@QuarkusTest
class AdminSignInTest extends ApiServerTest {

    private static final String NS = "admin-sign-in";

    private static NsqClusterSpec.SecretKeyRef ref(String name, String key) {
        NsqClusterSpec.SecretKeyRef r = new NsqClusterSpec.SecretKeyRef();
        r.name = name;
        r.key = key;
        return r;
    }

    private static void putSecret(String name, Map<String, String> data) {
        putSecret(name, data, Map.of(TlsSecrets.CLUSTER_LABEL, "demo"));
    }

    private static void putSecret(String name, Map<String, String> data, Map<String, String> labels) {
        var secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(labels).endMetadata().withStringData(data).build();
        admin.secrets().inNamespace(NS).resource(secret).serverSideApply();
    }

    private static String hash(Deployment d) {
        return d.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
    }

    @Test
    void nsqadminSignsInWithTheUsersSecretsAndRollsWhenTheyChange() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.admin.auth = new NsqClusterSpec.AdminAuthSpec();
        spec.admin.auth.usersSecret = ref("nsqadmin-users", "users");
        spec.admin.auth.oidc = new NsqClusterSpec.OidcSpec();
        spec.admin.auth.oidc.issuer = "https://dex.example.com/dex";
        spec.admin.auth.oidc.clientId = "nsqadmin";
        spec.admin.auth.oidc.clientSecretRef = ref("nsqadmin-oidc", "client-secret");
        spec.admin.auth.oidc.adminGroups = List.of("nsq-admins");
        spec.admin.auth.oidc.scopes = List.of("groups");
        Cluster c = Cluster.create(admin, NS, spec);

        // the Secrets are not there yet: said in the status and an Event, not left to a pod that cannot start
        c.awaitCondition(Conditions.READY, "False", "SecretMissing");
        assertThat(c.condition(Conditions.READY).getMessage()).isEqualTo("nsqadmin's sign-in needs Secret nsqadmin-users (in "
                + "namespace admin-sign-in, labelled jnsq.io/cluster=demo): not found; nsqadmin's pods wait for it");
        c.awaitCondition(Conditions.WARNING, "True", "SecretMissing");
        await().atMost(Cluster.WITHIN).until(() -> c.events().stream().anyMatch(e -> e.startsWith("Warning SecretMissing: "
                + "nsqadmin's sign-in needs Secret nsqadmin-users")));

        // there but not labelled for the cluster: the operator does not follow it, and says how to fix that
        putSecret("nsqadmin-users", Map.of("users", "alice:$2a$10$abcdefghijklmnopqrstuu:admin\n"), Map.of());
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getMessage())
                .isEqualTo("nsqadmin's sign-in needs Secret nsqadmin-users labelled jnsq.io/cluster=demo (the operator follows "
                        + "only labelled Secrets): kubectl label secret nsqadmin-users jnsq.io/cluster=demo"));
        putSecret("nsqadmin-users", Map.of("users", "alice:$2a$10$abcdefghijklmnopqrstuu:admin\n"));
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getMessage())
                .startsWith("nsqadmin's sign-in needs Secret nsqadmin-oidc"));
        putSecret("nsqadmin-oidc", Map.of("other", "x"));
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getMessage())
                .isEqualTo("nsqadmin's sign-in needs key client-secret of Secret nsqadmin-oidc: the Secret has no such key; "
                        + "nsqadmin's pods wait for it"));
        putSecret("nsqadmin-oidc", Map.of("client-secret", "s3cr3t"));
        c.allReady();
        assertThat(c.condition(Conditions.WARNING).getStatus()).isEqualTo("False");

        Deployment nsqadmin = c.deployment("nsqadmin");
        var pod = nsqadmin.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("users");
            assertThat(v.getSecret().getSecretName()).isEqualTo("nsqadmin-users");
            assertThat(v.getSecret().getItems()).singleElement().satisfies(i -> assertThat(i.getKey()).isEqualTo("users"));
        }).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("oidc-client-secret");
            assertThat(v.getSecret().getSecretName()).isEqualTo("nsqadmin-oidc");
        });
        assertThat(pod.getContainers().get(0).getVolumeMounts()).filteredOn(m -> m.getMountPath().startsWith("/etc/jnsq-admin"))
                .extracting(m -> m.getMountPath() + " " + m.getReadOnly())
                .containsExactly("/etc/jnsq-admin-users true", "/etc/jnsq-admin-oidc true");
        String args = admin.configMaps().inNamespace(NS).withName("demo-flags").get().getData().get("nsqadmin.args");
        assertThat(args).contains("--users-file=/etc/jnsq-admin-users/users\n", "--oidc-issuer=https://dex.example.com/dex\n",
                "--oidc-client-secret-file=/etc/jnsq-admin-oidc/client-secret\n", "--oidc-admin-group=nsq-admins\n",
                "--oidc-scope=groups\n").doesNotContain("s3cr3t");

        // a new users file: nsqadmin's pod template changes (a rolling update); the brokers are left alone
        String before = hash(nsqadmin);
        String nsqdBefore = c.statefulSet("nsqd").getSpec().getTemplate().getMetadata().getAnnotations()
                .get(ClusterNames.CONFIG_HASH_ANNOTATION);
        putSecret("nsqadmin-users", Map.of("users", "alice:$2a$10$abcdefghijklmnopqrstuu:admin\nbob:$2a$10$abcdefghijklmnopqrstuu:viewer\n"));
        await().atMost(Cluster.WITHIN).until(() -> !before.equals(hash(c.deployment("nsqadmin"))));
        String afterUsers = hash(c.deployment("nsqadmin"));
        putSecret("nsqadmin-oidc", Map.of("client-secret", "n3w"));
        await().atMost(Cluster.WITHIN).until(() -> !afterUsers.equals(hash(c.deployment("nsqadmin"))));
        assertThat(c.statefulSet("nsqd").getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION))
                .isEqualTo(nsqdBefore);

        // an invalid combination is refused with a clear condition
        c.edit(s -> s.admin.auth.oidc.redirectUrl = "https://nsq.example.com/callback");
        c.awaitCondition(Conditions.READY, "False", "InvalidSpec");
        assertThat(c.condition(Conditions.READY).getMessage()).isEqualTo("spec.admin.auth.oidc.redirectUrl: an http(s) URL ending in "
                + "/login/oidc (where nsqadmin completes the sign-in), got https://nsq.example.com/callback");
    }
}
