package io.jnsq.operator;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.File;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the NsqCluster CRD from the Java types with fabric8's CRD generator (run by the build, exec-maven-plugin,
 * into target/classes/META-INF/fabric8/). One correction: the generator sorts printer columns by JSON path, which
 * would print AGE first; they are put back in the order {@link NsqCluster} declares them (READY NSQD LOOKUPD AGE).
 */
public final class CrdGeneration {

    private CrdGeneration() {
    }

    public static void main(String[] args) throws java.io.IOException {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(args[0]));
        List<String> order = Arrays.stream(NsqCluster.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        int generated = new CRDGenerator().inOutputDir(new File(args[0])).forCRDVersions("v1").customResourceClasses(NsqCluster.class)
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                        for (var v : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
                            v.getAdditionalPrinterColumns().sort(Comparator.comparingInt(
                                    (CustomResourceColumnDefinition c) -> order.indexOf(c.getName())));
                        }
                        return crd;
                    }
                }).generate();
        if (generated != 1) {
            throw new IllegalStateException("expected one CRD, generated " + generated);
        }
    }
}
