package io.jnsq.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deploy/helm/jnsq-operator rendered by Helm's own engine (helm-java), as `helm install` would render it. */
class HelmChartTest {

    private static final Path CHART = Manifests.DEPLOY.resolve("helm/jnsq-operator");

    private static List<JsonNode> render(String... values) throws Exception {
        var template = new Helm(CHART).template().withName("jnsq-operator").withNamespace("jnsq-system");
        for (int i = 0; i < values.length; i += 2) {
            template.set(values[i], values[i + 1]);
        }
        return Manifests.parse(template.call());
    }

    @Test
    void rendersTheOperatorWithLeastPrivilegeRbac() throws Exception {
        List<JsonNode> objects = render();
        assertThat(objects).extracting(o -> o.path("kind").asText())
                .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment");
        JsonNode deployment = Manifests.only(objects, "Deployment");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).isEqualTo("ghcr.io/jnsq/jnsq-operator:0.1.0-SNAPSHOT");
        assertThat(container.at("/env/0/name").asText()).isEqualTo("JNSQ_OPERATOR_LEADER_ELECTION_NAMESPACE");
        assertThat(container.at("/env/0/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.namespace");
        assertThat(container.at("/env/1/value").asText()).isEqualTo("*");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(deployment.at("/spec/replicas").asInt()).as("two replicas, one leader").isEqualTo(2);
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("jnsq-operator");

        JsonNode role = Manifests.only(objects, "ClusterRole");
        assertThat(role.path("rules").toString()).doesNotContain("\"*\"").doesNotContain("pods").doesNotContain("leases")
                .doesNotContain("update").doesNotContain("deletecollection");
        // spec.tls.generate's and cert-manager's Secrets: the one kind that grants reading what it does not own (RBAC cannot
        // narrow list/watch by label), alone in its rule so that its verbs are these and no more
        assertThat(role.path("rules")).filteredOn(r -> r.path("resources").toString().contains("secrets")).singleElement()
                .satisfies(r -> {
                    assertThat(r.path("resources").toString()).isEqualTo("[\"secrets\"]");
                    assertThat(r.path("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\",\"create\",\"patch\",\"delete\"]");
                });
        assertThat(role.path("rules")).anySatisfy(r -> assertThat(r.path("resources").toString()).contains("nsqclusters/status"));
        assertThat(role.path("rules")).filteredOn(r -> r.path("resources").toString().contains("\"nsqclusters\""))
                .singleElement().satisfies(r -> assertThat(r.path("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\"]"));
        JsonNode leases = Manifests.only(objects, "Role");
        assertThat(leases.at("/metadata/namespace").asText()).isEqualTo("jnsq-system");
        assertThat(leases.at("/rules/0/resources/0").asText()).isEqualTo("leases");
        JsonNode binding = Manifests.only(objects, "ClusterRoleBinding");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("jnsq-system");
    }

    @Test
    void valuesSetTheImageAndTheWatchedNamespaces() throws Exception {
        JsonNode deployment = Manifests.only(render("image.tag", "1.2.3", "watchNamespaces[0]", "team-a",
                "watchNamespaces[1]", "team-b"), "Deployment");
        assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("ghcr.io/jnsq/jnsq-operator:1.2.3");
        assertThat(deployment.at("/spec/template/spec/containers/0/env/1/value").asText()).isEqualTo("team-a,team-b");
    }

    @Test
    void thePlainManifestsAreWhatTheChartRenders() throws Exception {
        List<JsonNode> rendered = render();
        for (String kind : List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment")) {
            JsonNode plain = null;
            try (var files = Files.list(Manifests.DEPLOY.resolve("operator"))) {
                for (Path f : files.sorted().toList()) {
                    for (JsonNode o : Manifests.read(f)) {
                        if (o.path("kind").asText().equals(kind)) {
                            plain = o;
                        }
                    }
                }
            }
            assertThat(plain).as("deploy/operator has a " + kind).isNotNull();
            assertThat(plain).as(kind).isEqualTo(Manifests.withoutHelmLabels(Manifests.only(rendered, kind)));
        }
    }

    /**
     * Every API call the operator made in its tests against a real API server (operator/target/operator-api-calls.txt,
     * from the server's audit log) is granted by the chart's rendered ClusterRole, or by its Role in the operator's
     * own namespace, or to every authenticated user by Kubernetes' default roles.
     */
    @Test
    void everyCallTheOperatorMadeInItsTestsIsGrantedByTheRenderedChart() throws Exception {
        Path calls = Manifests.ROOT.resolve("operator/target/operator-api-calls.txt");
        assertThat(calls).as("written by the operator module's OperatorApiCallsTest").exists();
        List<JsonNode> objects = render();
        JsonNode clusterRole = Manifests.only(objects, "ClusterRole");
        JsonNode role = Manifests.only(objects, "Role");
        List<String> lines = Files.readAllLines(calls).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("calls recorded").hasSizeGreaterThan(10);
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            String verb = f[0];
            String group = f[1];
            String resource = f[2];
            boolean everyone = group.equals("authorization.k8s.io") && resource.startsWith("selfsubject") && verb.equals("create");
            boolean granted = everyone || grants(clusterRole, verb, group, resource)
                    || (f[3].equals("operator-namespace") && grants(role, verb, group, resource));
            assertThat(granted).as(line.replace('\t', ' ')).isTrue();
        }
    }

    private static boolean grants(JsonNode role, String verb, String group, String resource) {
        for (JsonNode r : role.path("rules")) {
            if (contains(r.path("apiGroups"), group) && contains(r.path("resources"), resource) && contains(r.path("verbs"), verb)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode n : list) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theChartCarriesTheCrd() throws Exception {
        assertThat(Files.readString(CHART.resolve("crds/nsqclusters.jnsq.io-v1.yml")))
                .isEqualTo(Files.readString(Manifests.DEPLOY.resolve("crds/nsqclusters.jnsq.io-v1.yml")));
    }
}
