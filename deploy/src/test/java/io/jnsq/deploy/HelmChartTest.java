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
                .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment");
        JsonNode deployment = Manifests.only(objects, "Deployment");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).isEqualTo("ghcr.io/jnsq/jnsq-operator:0.1.0-SNAPSHOT");
        assertThat(container.at("/env/0/value").asText()).isEqualTo("*");
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("jnsq-operator");

        JsonNode role = Manifests.only(objects, "ClusterRole");
        assertThat(role.path("rules").toString()).doesNotContain("\"*\"").doesNotContain("secrets").doesNotContain("pods");
        assertThat(role.path("rules")).anySatisfy(r -> assertThat(r.path("resources").toString()).contains("nsqclusters/status"));
        JsonNode binding = Manifests.only(objects, "ClusterRoleBinding");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("jnsq-system");
    }

    @Test
    void valuesSetTheImageAndTheWatchedNamespaces() throws Exception {
        JsonNode deployment = Manifests.only(render("image.tag", "1.2.3", "watchNamespaces[0]", "team-a",
                "watchNamespaces[1]", "team-b"), "Deployment");
        assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("ghcr.io/jnsq/jnsq-operator:1.2.3");
        assertThat(deployment.at("/spec/template/spec/containers/0/env/0/value").asText()).isEqualTo("team-a,team-b");
    }

    @Test
    void thePlainManifestsAreWhatTheChartRenders() throws Exception {
        List<JsonNode> rendered = render();
        for (String kind : List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment")) {
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

    @Test
    void theChartCarriesTheCrd() throws Exception {
        assertThat(Files.readString(CHART.resolve("crds/nsqclusters.jnsq.io-v1.yml")))
                .isEqualTo(Files.readString(Manifests.DEPLOY.resolve("crds/nsqclusters.jnsq.io-v1.yml")));
    }
}
