package io.jnsq.operator.reconcile;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd + kube-apiserver (fabric8 kube-api-test) for the operator's tests, set up as a user installs the
 * operator: the CRD generated from the Java types, then deploy/operator's namespace, ServiceAccount, ClusterRole and
 * binding, applied as cluster admin. The operator then runs in Quarkus with that ServiceAccount's token (TokenRequest
 * API), so every call it makes is authorized by deploy/'s ClusterRole, not by cluster-admin. The API server writes an
 * audit log of every request (target/kube-audit/audit.log) that the tests read to see what the operator did.
 *
 * <p>The kube-apiserver here has no controller-manager: no garbage collection, no pods, no StatefulSet controller.
 * Tests play those parts by writing status subresources (readiness) and finalizers (orphaning) themselves.
 */
public class KubeApiServer implements QuarkusTestResourceLifecycleManager {

    static final Path MODULE = Path.of(System.getProperty("user.dir"));
    static final Path DEPLOY = MODULE.getParent().resolve("deploy");
    static final Path AUDIT_DIR = MODULE.resolve("target/kube-audit");
    static final Path AUDIT_LOG = AUDIT_DIR.resolve("audit.log");
    static final Path ADMIN_KUBECONFIG = AUDIT_DIR.resolve("admin.kubeconfig");
    static final String OPERATOR_NAMESPACE = "jnsq-system";
    static final String OPERATOR_ACCOUNT = "jnsq-operator";
    /** How the API server names the operator in its audit log. */
    static final String OPERATOR_USER = "system:serviceaccount:" + OPERATOR_NAMESPACE + ":" + OPERATOR_ACCOUNT;

    /** Metadata of every request (RequestReceived left out: each request once, when answered). */
    private static final String AUDIT_POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: Metadata
            """;

    private KubeAPIServer server;

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(AUDIT_DIR);
            Files.deleteIfExists(AUDIT_LOG);
            Path policy = AUDIT_DIR.resolve("policy.yaml");
            Files.writeString(policy, AUDIT_POLICY);
            // kube-api-test 7.5.2 casts KUBE_API_TEST_OFFLINE_MODE's string to a Boolean (ClassCastException) unless
            // the builder has a value: read it here (../shared/k8s/install.sh sets it where there is no internet)
            server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig().withUpdateKubeConfig(false)
                    .withOfflineMode(Boolean.parseBoolean(System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_OFFLINE_MODE)))
                    .withWaitForEtcdHealthCheckOnStartup(true)
                    .withStartupTimeout(120_000)
                    .withApiServerFlags(List.of("--audit-policy-file", policy.toString(), "--audit-log-path", AUDIT_LOG.toString()))
                    .build());
            server.start();
            Files.writeString(ADMIN_KUBECONFIG, server.getKubeConfigYaml());
            try (KubernetesClient admin = admin()) {
                install(admin);
                String token = admin.serviceAccounts().inNamespace(OPERATOR_NAMESPACE).withName(OPERATOR_ACCOUNT)
                        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                        .getStatus().getToken();
                return Map.of(
                        "quarkus.kubernetes-client.api-server-url", admin.getConfiguration().getMasterUrl(),
                        "quarkus.kubernetes-client.token", token,
                        "quarkus.kubernetes-client.trust-certs", "true",
                        "quarkus.kubernetes-client.devservices.enabled", "false",
                        "jnsq.operator.enabled", "true",
                        "jnsq.operator.leader-election.namespace", OPERATOR_NAMESPACE,
                        "jnsq.operator.identity", "operator-under-test");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cluster-admin client (the test's own hands: what a user, a kubelet or a controller would do). */
    static KubernetesClient admin() {
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(ADMIN_KUBECONFIG))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void install(KubernetesClient admin) throws IOException {
        Path crd = MODULE.resolve("target/classes/META-INF/fabric8/nsqclusters.jnsq.io-v1.yml");
        try (var in = Files.newInputStream(crd)) {
            CustomResourceDefinition created = admin.apiextensions().v1().customResourceDefinitions().load(in).create();
            admin.apiextensions().v1().customResourceDefinitions().resource(created)
                    .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
        }
        for (String file : List.of("00-namespace.yaml", "01-serviceaccount.yaml", "02-clusterrole.yaml", "03-clusterrolebinding.yaml",
                "04-role.yaml")) {
            try (var in = Files.newInputStream(DEPLOY.resolve("operator").resolve(file))) {
                for (HasMetadata o : admin.load(in).items()) {
                    admin.resource(o).create();
                }
            }
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
