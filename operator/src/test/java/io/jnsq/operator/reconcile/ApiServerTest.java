package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What every test class against the module's kube-apiserver shares: a cluster-admin client, the test's own hands for
 * setting the scene and reading the results (the operator itself runs as its ServiceAccount).
 */
abstract class ApiServerTest {

    static KubernetesClient admin;

    @BeforeAll
    static void openAdmin() {
        admin = KubeApiServer.admin();
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    /** Another operator's CRD (v1, namespaced) as far as a test needs it: the kind, any content. */
    static CustomResourceDefinition foreignCrd(String group, String kind, String plural) {
        return new CustomResourceDefinitionBuilder().withNewMetadata().withName(plural + "." + group).endMetadata()
                .withNewSpec().withGroup(group).withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase())
                .withListKind(kind + "List").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build();
    }
}
