package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.Certificate;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.ComponentFlags;
import io.jnsq.operator.model.Conditions;
import io.jnsq.operator.model.KeyedCertificate;
import io.jnsq.operator.model.TlsSecrets;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * spec.tls's certificates on the real API server: the operator's own CA and server certificate (made, renewed, the CA
 * rotated with old and new published together), and a cert-manager Certificate whose Secret, once cert-manager (played
 * here by the test) writes it, rolls the brokers. Time is not faked: the test writes certificates near their end.
 */
@QuarkusTest
class TlsCertificatesTest extends ApiServerTest {

    private static final Duration ROTATION = Duration.ofSeconds(100);

    private static NsqClusterSpec generated(int brokers) {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.nsqd.replicas = brokers;
        spec.tls = new NsqClusterSpec.TlsSpec();
        spec.tls.generate = new NsqClusterSpec.GeneratedTlsSpec();
        return spec;
    }

    private static Map<String, String> data(Cluster c, String secret) {
        return TlsSecrets.decoded(admin.secrets().inNamespace(c.namespace).withName(secret).get());
    }

    private static X509Certificate leaf(Cluster c) {
        return KeyedCertificate.certificates(data(c, "demo-tls").get("tls.crt")).get(0);
    }

    private static List<X509Certificate> bundle(Cluster c) {
        return KeyedCertificate.certificates(data(c, "demo-ca").get("ca.crt"));
    }

    private static String podHash(StatefulSet s) {
        return s.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
    }

    /** The pod template's hash for the content the server Secret holds now: the brokers run (or roll onto) it. */
    private static void awaitBrokersOn(Cluster c, NsqClusterSpec spec, String secret) {
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(podHash(c.statefulSet("nsqd")))
                .isEqualTo(ComponentFlags.configHash(spec, new ClusterNames("demo", c.namespace), ClusterNames.NSQD,
                        TlsSecrets.hash(data(c, secret)))));
    }

    private static void write(Cluster c, String name, Map<String, String> content, Map<String, String> labels) {
        Map<String, String> encoded = new TreeMap<>();
        content.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        if (admin.secrets().inNamespace(c.namespace).withName(name).get() == null) {
            admin.secrets().inNamespace(c.namespace).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(c.namespace)
                    .withLabels(labels).endMetadata().withType("kubernetes.io/tls").withData(encoded).build()).create();
        } else {
            Cluster.retryOnConflict(() -> admin.secrets().inNamespace(c.namespace).withName(name).edit(s -> {
                s.setData(encoded);
                return s;
            }));
        }
    }

    /**
     * Writes into a Secret the operator owns, as a stand-in for time passing; written again if a reconcile that was
     * under way put the operator's content back (it owns the Secret), until {@code then} holds.
     */
    private static void writeOwned(Cluster c, String name, Map<String, String> content, Runnable then) {
        Map<String, String> operators = data(c, name);
        write(c, name, content, Map.of());
        await().atMost(Cluster.WITHIN).untilAsserted(() -> {
            if (data(c, name).equals(operators)) {
                write(c, name, content, Map.of());
            }
            then.run();
        });
    }

    @Test
    void theOperatorMakesItsCaAndACertificateForEveryNameAndRenewsTheCertificateBeforeItEnds() {
        NsqClusterSpec spec = generated(3);
        Cluster c = Cluster.create(admin, "tls-generated", spec);
        await().atMost(Cluster.WITHIN).until(() -> List.of("demo-ca-key", "demo-ca", "demo-tls").stream()
                .allMatch(n -> admin.secrets().inNamespace("tls-generated").withName(n).get() != null));
        for (String n : List.of("demo-ca-key", "demo-ca", "demo-tls")) {
            Secret s = admin.secrets().inNamespace("tls-generated").withName(n).get();
            assertThat(s.getMetadata().getOwnerReferences()).as(n).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("NsqCluster"));
        }
        Map<String, String> caKey = data(c, "demo-ca-key");
        KeyedCertificate ca = KeyedCertificate.read(caKey.get("ca.crt"), caKey.get("ca.key"));
        assertThat(data(c, "demo-ca")).as("clients get no key").containsOnlyKeys("ca.crt").containsEntry("ca.crt", caKey.get("ca.crt"));
        assertThat(admin.secrets().inNamespace("tls-generated").withName("demo-tls").get().getType()).isEqualTo("kubernetes.io/tls");
        X509Certificate leaf = leaf(c);
        assertThat(ca.signed(leaf)).isTrue();
        assertThat(KeyedCertificate.dnsNames(leaf)).contains("*.demo-nsqd-headless.tls-generated.svc", "demo-nsqlookupd.tls-generated.svc",
                "demo-nsqadmin.tls-generated.svc.cluster.local");
        assertThat(leaf.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(89)));

        StatefulSet nsqd = c.awaitStatefulSet("nsqd");
        assertThat(nsqd.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("tls");
            assertThat(v.getSecret().getSecretName()).isEqualTo("demo-tls");
        });
        awaitBrokersOn(c, spec, "demo-tls");
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.get().getStatus().endpoints.caSecret).isEqualTo("demo-ca"));
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.events()).anySatisfy(e -> assertThat(e).startsWith("Normal CertificateAuthorityCreated: new CA valid until "))
                .anySatisfy(e -> assertThat(e).startsWith("Normal CertificateIssued: server certificate issued, valid until ")));
        c.allReady();
        String before = podHash(c.statefulSet("nsqd"));

        // a certificate with a minute left (as if 60 days had passed): re-issued at once, and the brokers roll onto it
        KeyedCertificate ending = ca.sign(KeyedCertificate.dnsNames(leaf), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofMinutes(1)));
        String original = data(c, "demo-tls").get("tls.crt");
        writeOwned(c, "demo-tls", Map.of("tls.crt", ending.certificatePem(), "tls.key", ending.keyPem(), "ca.crt", caKey.get("ca.crt")),
                () -> {
                    assertThat(data(c, "demo-tls").get("tls.crt")).isNotEqualTo(original);
                    assertThat(leaf(c).getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(89)));
                });
        assertThat(ca.signed(leaf(c))).as("the same CA").isTrue();
        awaitBrokersOn(c, spec, "demo-tls");
        assertThat(podHash(c.statefulSet("nsqd"))).isNotEqualTo(before);
        assertThat(RollingRestart.partition(c.statefulSet("nsqd"))).as("the highest broker first").isEqualTo(2);
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.events()).anySatisfy(e -> assertThat(e).startsWith("Normal CertificateIssued: server certificate renewed (the previous one expires ")));
    }

    @Test
    void aCaNearItsEndIsPublishedBesideItsSuccessorThenTheCertificateMovesThenTheOldCaGoes() {
        NsqClusterSpec spec = generated(1);
        spec.tls.generate.caOverlap = "1m";
        Cluster c = Cluster.create(admin, "tls-ca-rotation", spec);
        await().atMost(Cluster.WITHIN).until(() -> admin.secrets().inNamespace("tls-ca-rotation").withName("demo-tls").get() != null);
        c.allReady();

        // as if ten years had passed: a CA with an hour left, and its certificate
        Instant now = Instant.now();
        KeyedCertificate old = KeyedCertificate.authority("an old CA", now.minus(Duration.ofDays(3650)), now.plus(Duration.ofHours(1)));
        KeyedCertificate served = old.sign(new ClusterNames("demo", "tls-ca-rotation").dnsNames(), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofMinutes(55)));
        writeOwned(c, "demo-ca-key", Map.of("ca.crt", old.certificatePem(), "ca.key", old.keyPem()),
                () -> assertThat(bundle(c)).hasSize(2));
        writeOwned(c, "demo-tls", Map.of("tls.crt", served.certificatePem(), "tls.key", served.keyPem(), "ca.crt", old.certificatePem()),
                () -> assertThat(leaf(c).getSerialNumber()).isNotEqualTo(served.certificate().getSerialNumber()));

        // 1. the new CA beside the old one; the certificate still the old CA's (renewed by it: it was due)
        assertThat(bundle(c)).hasSize(2);
        assertThat(bundle(c).get(1)).isEqualTo(old.certificate());
        assertThat(data(c, "demo-tls").get("ca.crt")).isEqualTo(data(c, "demo-ca").get("ca.crt"));
        assertThat(old.signed(leaf(c))).isTrue();
        X509Certificate successor = bundle(c).get(0);
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.events()).anySatisfy(e -> assertThat(e).startsWith("Normal CertificateAuthorityRotating: the CA expires ")));

        // 2. a minute later (caOverlap) the certificate is the new CA's; both CAs still published
        await().atMost(ROTATION).untilAsserted(() -> assertThat(leaf(c).getIssuerX500Principal()).isEqualTo(successor.getSubjectX500Principal()));
        assertThat(bundle(c)).hasSize(2);
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.events()).anySatisfy(e -> assertThat(e).startsWith("Normal CertificateIssued: server certificate signed by the new CA")));

        // 3. once the broker runs it (the StatefulSet controller's report, played here), the old CA goes
        awaitBrokersOn(c, spec, "demo-tls");
        c.statefulSetReady("nsqd");
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(bundle(c)).containsExactly(successor));
        assertThat(data(c, "demo-ca-key")).containsOnlyKeys("ca.crt", "ca.key");
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.events()).anySatisfy(e -> assertThat(e).startsWith("Normal CertificateAuthorityRetired: every broker serves a certificate of the new CA")));
    }

    @Test
    void aCertManagerCertificateNamesEveryServiceAndItsSecretRollsTheBrokersWhenCertManagerWritesIt() {
        if (admin.apiextensions().v1().customResourceDefinitions().withName("certificates.cert-manager.io").get() == null) {
            admin.apiextensions().v1().customResourceDefinitions().resource(foreignCrd("cert-manager.io", "Certificate", "certificates")).create();
            await().atMost(Cluster.WITHIN).until(() -> admin.apiextensions().v1().customResourceDefinitions()
                    .withName("certificates.cert-manager.io").get().getStatus().getConditions().stream()
                    .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True")));
        }
        CRDPresentActivationCondition.clearState(); // looked up once a minute: now, for this test
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.tls = new NsqClusterSpec.TlsSpec();
        spec.tls.certManager = new NsqClusterSpec.CertManagerSpec();
        spec.tls.certManager.issuerRef = new NsqClusterSpec.IssuerRef();
        spec.tls.certManager.issuerRef.name = "internal-ca";
        spec.tls.certManager.issuerRef.kind = "ClusterIssuer";
        spec.tls.certManager.duration = "720h";
        Cluster c = Cluster.create(admin, "tls-cert-manager", spec);

        await().atMost(Cluster.WITHIN).until(() -> admin.resources(Certificate.class).inNamespace("tls-cert-manager").withName("demo-tls").get() != null);
        Certificate cert = admin.resources(Certificate.class).inNamespace("tls-cert-manager").withName("demo-tls").get();
        assertThat(cert.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("NsqCluster"));
        assertThat(cert.getSpec().secretName).isEqualTo("demo-cert-manager-tls");
        assertThat(cert.getSpec().secretTemplate.labels).containsEntry("jnsq.io/cluster", "demo");
        assertThat(cert.getSpec().dnsNames).isEqualTo(new ClusterNames("demo", "tls-cert-manager").dnsNames())
                .contains("*.demo-nsqd-headless.tls-cert-manager.svc");
        assertThat(cert.getSpec().issuerRef.name + " " + cert.getSpec().issuerRef.kind + " " + cert.getSpec().issuerRef.group)
                .isEqualTo("internal-ca ClusterIssuer cert-manager.io");
        assertThat(cert.getSpec().duration).isEqualTo("720h");
        assertThat(cert.getSpec().privateKey.encoding).as("what nsqd reads").isEqualTo("PKCS8");
        StatefulSet nsqd = c.awaitStatefulSet("nsqd");
        assertThat(nsqd.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getSecret() == null ? null
                : v.getSecret().getSecretName()).isEqualTo("demo-cert-manager-tls"));
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.get().getStatus().endpoints.caSecret).isEqualTo("demo-cert-manager-tls"));
        // until cert-manager writes the Secret, the pods cannot start: the status says what is missing
        c.awaitStatefulSet("nsqlookupd");
        c.statefulSetReady("nsqlookupd");
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.condition(Conditions.READY).getMessage()).startsWith(
                "waiting for Secret demo-cert-manager-tls from cert-manager (installed? issuer ClusterIssuer/internal-ca ready?), nsqd 0/3"));
        String unknown = podHash(c.statefulSet("nsqd"));

        // cert-manager issues: its Secret (labelled through secretTemplate) rolls the brokers, highest first
        Instant now = Instant.now();
        KeyedCertificate issuer = KeyedCertificate.authority("internal-ca", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        KeyedCertificate first = issuer.sign(cert.getSpec().dnsNames, now, now.plus(Duration.ofDays(30)));
        write(c, "demo-cert-manager-tls", Map.of("tls.crt", first.certificatePem(), "tls.key", first.keyPem(), "ca.crt", issuer.certificatePem()),
                Map.of("jnsq.io/cluster", "demo"));
        awaitBrokersOn(c, spec, "demo-cert-manager-tls");
        String issued = podHash(c.statefulSet("nsqd"));
        assertThat(issued).isNotEqualTo(unknown);
        assertThat(RollingRestart.partition(c.statefulSet("nsqd"))).isEqualTo(2);
        await().atMost(Cluster.WITHIN).untilAsserted(() -> assertThat(c.events())
                .contains("Normal RollingRestart: demo-nsqd: flags, image or certificate changed, restarting its pods one at a time"));

        // cert-manager renews: another roll
        KeyedCertificate renewed = issuer.sign(cert.getSpec().dnsNames, now, now.plus(Duration.ofDays(30)));
        write(c, "demo-cert-manager-tls", Map.of("tls.crt", renewed.certificatePem(), "tls.key", renewed.keyPem(), "ca.crt", issuer.certificatePem()),
                Map.of("jnsq.io/cluster", "demo"));
        awaitBrokersOn(c, spec, "demo-cert-manager-tls");
        assertThat(podHash(c.statefulSet("nsqd"))).isNotEqualTo(issued);

        // switched off: the Certificate goes, cert-manager's Secret stays (it is not the operator's)
        c.edit(s -> {
            s.tls.certManager = null;
            s.tls.secretName = "demo-cert-manager-tls";
        });
        await().atMost(Cluster.WITHIN).until(() -> admin.resources(Certificate.class).inNamespace("tls-cert-manager").withName("demo-tls").get() == null);
        assertThat(admin.secrets().inNamespace("tls-cert-manager").withName("demo-cert-manager-tls").get()).isNotNull();
    }
}
