package io.jnsq.operator.reconcile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.jnsq.operator.drain.BrokerEndpoints;
import io.jnsq.operator.drain.NsqdDrain;
import java.time.Clock;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.reconcile.AuditLog.Call;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the operator asks of the API server, read from the API server's audit log after the other test classes ran:
 * nothing while a cluster is converged, nothing its ServiceAccount is refused, nothing deploy/'s RBAC does not grant,
 * never a write to an NsqCluster's spec. Also its own health, metrics and leader Lease, and a second replica that stays
 * passive while the first holds the Lease. Runs last (class order).
 */
@QuarkusTest
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorApiCallsTest extends ApiServerTest {

    /** Every call the operator made in these tests, for deploy's check of the Helm chart's RBAC. */
    static final Path CALLS = KubeApiServer.MODULE.resolve("target/operator-api-calls.txt");
    /** Granted to every authenticated user by Kubernetes' default roles (JOSDK checks its Lease access with one). */
    static final Set<String> GRANTED_TO_EVERYONE = Set.of("create authorization.k8s.io/selfsubjectrulesreviews",
            "create authorization.k8s.io/selfsubjectaccessreviews");

    @Test
    @Order(1)
    void aConvergedClusterCostsNoWritesEvenWhenReconciledAgain() throws Exception {
        Cluster c = Cluster.create(admin, "idle", new NsqClusterSpec());
        c.allReady();
        // and one whose certificates the operator makes: they stay as they are between due dates
        NsqClusterSpec tls = new NsqClusterSpec();
        tls.tls = new NsqClusterSpec.TlsSpec();
        tls.tls.generate = new NsqClusterSpec.GeneratedTlsSpec();
        Cluster.create(admin, "idle-tls", tls).allReady();
        Thread.sleep(3000);
        int seen = AuditLog.operatorCalls().size();
        // something the operator watches changes without changing anything it owns: a full reconcile, nothing to do
        for (String ns : List.of("idle", "idle-tls")) {
            Cluster.retryOnConflict(() -> admin.apps().statefulSets().inNamespace(ns).withName("demo-nsqd").edit(s -> {
                    s.getMetadata().getAnnotations().put("example.com/touched", "yes");
                    return s;
                }));
        }
        Cluster.retryOnConflict(() -> admin.services().inNamespace("idle").withName("demo-nsqd-headless").edit(s -> {
                s.getMetadata().getAnnotations().put("example.com/touched", "yes");
                return s;
            }));
        Thread.sleep(8000);
        List<Call> calls = AuditLog.operatorCalls();
        List<Call> writes = calls.subList(seen, calls.size()).stream()
                .filter(x -> ("idle".equals(x.namespace()) || "idle-tls".equals(x.namespace())) && x.isWrite()).toList();
        assertThat(writes).as("writes by the operator while converged").isEmpty();
    }

    @Test
    @Order(2)
    void healthMetricsAndTheLeaderLease() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("nsqcluster-controller"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"))
                .body(containsString("operator_sdk_reconciliations_success_total"))
                // its own figures, after the clusters of the other test classes
                .body(containsString("jnsq_operator_reconciles_total{outcome=\"applied\"}"),
                        containsString("jnsq_operator_decisions_total{reason=\"Creating\",type=\"Normal\"}"),
                        containsString("jnsq_operator_decisions_total{reason=\"Draining\",type=\"Normal\"}"),
                        containsString("jnsq_operator_drains_active "));
        var lease = admin.leases().inNamespace(KubeApiServer.OPERATOR_NAMESPACE).withName(OperatorLifecycle.LEASE).get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("operator-under-test");
    }

    @Test
    @Order(3)
    void aSecondReplicaStandsByWhileTheLeaderHoldsTheLease() throws Exception {
        String token = admin.serviceAccounts().inNamespace(KubeApiServer.OPERATOR_NAMESPACE).withName(KubeApiServer.OPERATOR_ACCOUNT)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(admin.getConfiguration().getMasterUrl()).withOauthToken(token)
                .withTrustCerts(true).withUserAgent("jnsq-standby").build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            // a second replica as OperatorLifecycle starts one, with its own identity
            Operator standby = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                    .withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(OperatorLifecycle.LEASE)
                            .withLeaseNamespace(KubeApiServer.OPERATOR_NAMESPACE).withIdentity("standby").build()));
            OperatorMetrics metrics = new OperatorMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            standby.register(new NsqClusterReconciler(BrokerEndpoints.DNS, new NsqdDrain(), new StorageGrowth(client),
                    new ClusterEvents(client, Clock.systemUTC(), "standby", metrics), Clock.systemUTC(), metrics,
                    KubeApiServer.OPERATOR_NAMESPACE), c -> c.watchingAllNamespaces());
            standby.start();
            try {
                Cluster c = Cluster.create(admin, "two-replicas", new NsqClusterSpec());
                c.allReady();
                c.edit(s -> s.lookupd.replicas = 4);
                await().atMost(Cluster.WITHIN).until(() -> c.statefulSet("nsqlookupd").getSpec().getReplicas() == 4);
                Thread.sleep(3000);
            } finally {
                standby.stop();
            }
        }
        List<Call> byStandby = AuditLog.operatorCalls().stream().filter(x -> x.userAgent().equals("jnsq-standby")).toList();
        assertThat(byStandby).as("the standby ran").anyMatch(x -> x.resource().equals("leases") && x.verb().equals("get"));
        assertThat(byStandby).as("the standby's writes").noneMatch(x -> x.isWrite() && !x.resource().equals("selfsubjectrulesreviews"));
        assertThat(admin.leases().inNamespace(KubeApiServer.OPERATOR_NAMESPACE).withName(OperatorLifecycle.LEASE).get().getSpec()
                .getHolderIdentity()).isEqualTo("operator-under-test");
    }

    @Test
    @Order(4)
    void everyCallWasGrantedByDeploysRbacAndNoneWroteASpec() throws Exception {
        List<Call> calls = AuditLog.operatorCalls();
        assertThat(calls).as("calls recorded").hasSizeGreaterThan(10);
        assertThat(calls).as("refused calls").noneMatch(x -> x.code() == 403);
        assertThat(calls).filteredOn(x -> x.resource().equals("nsqclusters") && x.isWrite())
                .as("writes to NsqClusters").allMatch(x -> x.verb().equals("patch") && x.subresource().equals("status"));

        List<JsonNode> clusterRole = read("02-clusterrole.yaml");
        List<JsonNode> role = read("04-role.yaml");
        Set<String> lines = new TreeSet<>();
        List<String> notGranted = new ArrayList<>();
        for (Call x : calls) {
            boolean own = x.namespace().equals(KubeApiServer.OPERATOR_NAMESPACE);
            lines.add(x.verb() + "\t" + x.group() + "\t" + x.resource() + (x.subresource().isEmpty() ? "" : "/" + x.subresource())
                    + "\t" + (own ? "operator-namespace" : "any"));
            if (!GRANTED_TO_EVERYONE.contains(x.permission()) && !grants(clusterRole, x) && !(own && grants(role, x))) {
                notGranted.add(x.permission());
            }
        }
        Files.writeString(CALLS, String.join("\n", lines) + "\n");
        assertThat(notGranted).as("calls deploy/operator's roles do not grant").isEmpty();
    }

    private static List<JsonNode> read(String file) throws Exception {
        List<JsonNode> rules = new ArrayList<>();
        try (var parser = new YAMLMapper().getFactory().createParser(KubeApiServer.DEPLOY.resolve("operator").resolve(file).toFile())) {
            var docs = new YAMLMapper().readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                docs.next().path("rules").forEach(rules::add);
            }
        }
        return rules;
    }

    static boolean grants(List<JsonNode> rules, Call x) {
        String resource = x.resource() + (x.subresource().isEmpty() ? "" : "/" + x.subresource());
        return rules.stream().anyMatch(r -> has(r.path("apiGroups"), x.group()) && has(r.path("resources"), resource)
                && has(r.path("verbs"), x.verb()));
    }

    private static boolean has(JsonNode list, String value) {
        for (JsonNode n : list) {
            if (n.asText().equals(value) || n.asText().equals("*")) {
                return true;
            }
        }
        return false;
    }
}
