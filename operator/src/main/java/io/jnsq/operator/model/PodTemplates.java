package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.jnsq.operator.NsqClusterSpec;

/**
 * The pod template every component shares: one container running the component's image with its flags (from the
 * flags ConfigMap, mounted at {@code /etc/jnsq}), health on {@code /ping}, a non-root read-only container with no
 * capabilities, a writable {@code /tmp}, the config hash that rolls pods when what they run changes, and the user's
 * template overrides.
 */
final class PodTemplates {

    /** Where the flags ConfigMap is mounted; {@code nsqd.args} there is read by {@code @/etc/jnsq/nsqd.args}. */
    static final String FLAGS_DIR = "/etc/jnsq";

    /** The uid of the JVM images' non-root user. */
    static final long RUN_AS_USER = 185;

    private PodTemplates() {
    }

    /**
     * {@code flags} are what the component's args file in the flags ConfigMap holds; {@code extraArgs} follow it on
     * the command line (what differs per pod). {@code certificateHash} is the hash of the TLS Secret's content the pods
     * run with (null: not known, or no TLS).
     */
    static PodTemplateSpec of(NsqClusterSpec spec, ClusterNames names, String component, List<String> flags,
            List<String> extraArgs, List<ContainerPort> ports, int httpPort, ResourceRequirements resources,
            List<VolumeMount> extraMounts, long terminationGraceSeconds, String certificateHash) {
        String image = Images.of(spec, component);
        Map<String, String> labels = new LinkedHashMap<>(spec.template.labels);
        labels.putAll(names.labels(component));
        Map<String, String> annotations = new LinkedHashMap<>(spec.template.annotations);
        annotations.put(ClusterNames.CONFIG_HASH_ANNOTATION, ComponentFlags.hash(image, ComponentFlags.argsFile(flags),
                component.equals(ClusterNames.LOOKUPD) ? null : certificateHash));
        List<VolumeMount> mounts = new ArrayList<>(List.of(
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build(),
                new VolumeMountBuilder().withName("flags").withMountPath(FLAGS_DIR).withReadOnly(true).build()));
        mounts.addAll(extraMounts);
        // nsqlookupd has no TLS in NSQ; nsq_authd is asked over plain HTTP inside the cluster
        boolean tls = spec.tls != null && (component.equals(ClusterNames.NSQD) || component.equals(ClusterNames.ADMIN));
        if (tls) {
            mounts.add(new VolumeMountBuilder().withName("tls").withMountPath(ComponentFlags.TLS_DIR).withReadOnly(true).build());
        }
        List<String> args = new ArrayList<>(List.of("@" + FLAGS_DIR + "/" + FlagsConfigMap.key(component)));
        args.addAll(extraArgs);
        Container container = new ContainerBuilder()
                .withName(component)
                .withImage(image)
                .withArgs(args)
                .withEnv(new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                        .withApiVersion("v1").withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("JAVA_OPTS_APPEND").withValue("-XX:MaxRAMPercentage=75").build())
                .withPorts(ports)
                .withReadinessProbe(probe(httpPort, 5, 3))
                .withLivenessProbe(probe(httpPort, 20, 6))
                .withStartupProbe(probe(httpPort, 2, 60))
                .withResources(resources)
                .withVolumeMounts(mounts)
                .withSecurityContext(new SecurityContextBuilder().withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true).withRunAsNonRoot(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities().build())
                .build();
        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withContainers(container)
                .withTerminationGracePeriodSeconds(terminationGraceSeconds)
                .withEnableServiceLinks(false)
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(RUN_AS_USER)
                        .withRunAsGroup(RUN_AS_USER).withFsGroup(RUN_AS_USER)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build())
                .withVolumes(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build(),
                        new VolumeBuilder().withName("flags").withNewConfigMap().withName(names.flags())
                                .addNewItem().withKey(FlagsConfigMap.key(component)).withPath(FlagsConfigMap.key(component)).endItem()
                                .endConfigMap().build())
                .addAllToVolumes(tls ? List.of(new VolumeBuilder().withName("tls").withNewSecret()
                        .withSecretName(TlsSecrets.serverSecret(spec, names)).endSecret().build()) : List.of())
                .addAllToVolumes(component.equals(ClusterNames.AUTHD) ? List.of(new VolumeBuilder().withName("identities").withNewSecret()
                        .withSecretName(spec.auth.server.secretName).endSecret().build()) : List.of())
                .addAllToVolumes(component.equals(ClusterNames.ADMIN) ? AdminDeployment.volumes(spec) : List.of())
                .withAffinity(spec.template.affinity)
                .withTolerations(spec.template.tolerations)
                .withTopologySpreadConstraints(spec.template.topologySpreadConstraints)
                .withPriorityClassName(spec.template.priorityClassName)
                .endSpec()
                .build();
    }

    static ContainerPort port(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
    }

    private static Probe probe(int port, int period, int failures) {
        return new ProbeBuilder().withNewHttpGet().withPath("/ping").withPort(new IntOrString(port)).endHttpGet()
                .withPeriodSeconds(period).withTimeoutSeconds(3).withFailureThreshold(failures).build();
    }
}
