package io.jnsq.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jnsq.operator.NsqCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deploy/crds/ is the CRD generated from the operator's Java types, and the example is a valid NsqCluster. */
class CrdTest {

    private static final Path GENERATED = Manifests.ROOT.resolve("operator/target/classes/META-INF/fabric8/nsqclusters.jnsq.io-v1.yml");
    private static final Path COMMITTED = Manifests.DEPLOY.resolve("crds/nsqclusters.jnsq.io-v1.yml");

    @Test
    void theCommittedCrdIsTheGeneratedOne() throws Exception {
        assertThat(GENERATED).as("built by the operator module").exists();
        assertThat(Files.readString(COMMITTED))
                .as("deploy/crds is stale: ./mvnw -pl operator process-test-classes; cp " + Manifests.ROOT.relativize(GENERATED) + " deploy/crds/ deploy/helm/jnsq-operator/crds/")
                .isEqualTo(Files.readString(GENERATED));
    }

    @Test
    void theCrdHasTheScaleAndStatusSubresourcesAndPrinterColumns() throws Exception {
        JsonNode crd = Manifests.read(COMMITTED).get(0);
        assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("nsq");
        JsonNode version = crd.at("/spec/versions/0");
        assertThat(version.path("name").asText()).isEqualTo("v1alpha1");
        assertThat(version.at("/subresources/scale/specReplicasPath").asText()).isEqualTo(".spec.nsqd.replicas");
        assertThat(version.at("/subresources/scale/statusReplicasPath").asText()).isEqualTo(".status.nsqdReadyReplicas");
        assertThat(version.at("/subresources/status").isObject()).isTrue();
        assertThat(version.path("additionalPrinterColumns").findValuesAsText("name")).as("kubectl get nsq").containsExactly("Ready", "Nsqd", "Lookupd", "Age");
        JsonNode nsqd = version.at("/schema/openAPIV3Schema/properties/spec/properties/nsqd/properties");
        assertThat(nsqd.at("/replicas/default").asInt()).isEqualTo(3);
        assertThat(nsqd.at("/replicas/minimum").asInt()).isZero();
        assertThat(nsqd.at("/storage/properties/size/default").asText()).isEqualTo("10Gi");
        assertThat(nsqd.at("/forceScaleDown/default").asBoolean()).isFalse();
        JsonNode drain = version.at("/schema/openAPIV3Schema/properties/status/properties/drain/properties");
        assertThat(drain.fieldNames()).toIterable().contains("pod", "phase", "startedAt", "remaining", "message");
    }

    @Test
    void theExampleIsAValidNsqCluster() throws Exception {
        NsqCluster example = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readValue(Manifests.DEPLOY.resolve("examples/nsqcluster.yaml").toFile(), NsqCluster.class);
        assertThat(example.getApiVersion()).isEqualTo("jnsq.io/v1alpha1");
        assertThat(example.getSpec().nsqd.replicas).isEqualTo(3);
        assertThat(example.getSpec().nsqd.storage.size).isEqualTo("5Gi");
        assertThat(io.jnsq.operator.model.ComponentFlags.problem(example.getSpec())).isEmpty();
        assertThat(new YAMLMapper().readTree(Manifests.DEPLOY.resolve("examples/nsqcluster.yaml").toFile()).path("kind").asText())
                .isEqualTo("NsqCluster");
    }

    /** The secured example: TLS from the operator's CA, nsq_authd and nsqadmin's sign-in from the Secrets in the same file, a valid spec. */
    @Test
    void theSecuredExampleIsAValidClusterWithItsSecretOfIdentities() throws Exception {
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLFactory();
        List<JsonNode> docs = new ObjectMapper(yaml)
                .readValues(yaml.createParser(Manifests.DEPLOY.resolve("examples/nsqcluster-secured.yaml").toFile()),
                        JsonNode.class).readAll();
        assertThat(docs).extracting(d -> d.path("kind").asText()).containsExactly("Secret", "Secret", "Secret", "NsqCluster");
        NsqCluster cluster = new ObjectMapper().treeToValue(docs.get(3), NsqCluster.class);
        assertThat(io.jnsq.operator.model.ComponentFlags.problem(cluster.getSpec())).isEmpty();
        assertThat(cluster.getSpec().tls.generate).isNotNull();
        assertThat(cluster.getSpec().auth.server.secretName).isEqualTo(docs.get(0).at("/metadata/name").asText());
        JsonNode identities = new ObjectMapper().readTree(
                docs.get(0).at("/stringData/" + cluster.getSpec().auth.server.key).asText());
        assertThat(identities.at("/identities/0/authorizations/0/topic").asText()).isEqualTo("^orders$");
        // nsqadmin's sign-in Secrets: present in the file with the keys named, labelled for the cluster (else unseen)
        for (var ref : List.of(cluster.getSpec().admin.auth.usersSecret, cluster.getSpec().admin.auth.oidc.clientSecretRef)) {
            assertThat(docs.subList(0, 3)).as(ref.name).anySatisfy(d -> {
                assertThat(d.at("/metadata/name").asText()).isEqualTo(ref.name);
                assertThat(d.at("/metadata/labels").path("jnsq.io/cluster").asText()).isEqualTo(cluster.getMetadata().getName());
                assertThat(d.at("/stringData").has(ref.key)).isTrue();
            });
        }
    }
}
