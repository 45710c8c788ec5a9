package io.jnsq.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jnsq.operator.NsqClusterSpec.GeneratedTlsSpec;
import io.jnsq.operator.model.GeneratedTls.Change;
import io.jnsq.operator.model.GeneratedTls.Plan;
import io.jnsq.operator.model.GeneratedTls.Settings;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's own CA and server certificate over time (an injected clock: {@code now} is an argument): what is
 * issued first, that nothing changes between due dates, when the server certificate is renewed, and a whole CA
 * rotation: old and new CA published together first, the server certificate switched after the overlap, the old CA
 * dropped once every broker runs the new certificate.
 */
class GeneratedTlsTest {

    private static final ClusterNames NAMES = new ClusterNames("demo", "prod");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Settings DEFAULTS = Settings.of(new GeneratedTlsSpec());

    private static List<String> reasons(Plan p) {
        return p.changes().stream().map(Change::reason).toList();
    }

    private static X509Certificate leaf(Plan p) {
        return KeyedCertificate.certificates(p.server().get(GeneratedTls.TLS_CRT)).get(0);
    }

    private static List<X509Certificate> bundle(Plan p) {
        return KeyedCertificate.certificates(p.bundle().get(GeneratedTls.CA_CRT));
    }

    private static KeyedCertificate ca(Plan p) {
        return KeyedCertificate.read(p.caKey().get(GeneratedTls.CA_CRT), p.caKey().get(GeneratedTls.CA_KEY));
    }

    @Test
    void theFirstPlanMakesATenYearCaAndANinetyDayCertificateForEveryServiceAndPodName() {
        Plan p = GeneratedTls.plan(NAMES, DEFAULTS, T0, Map.of(), Map.of(), content -> false);

        assertThat(reasons(p)).containsExactly("CertificateAuthorityCreated", "CertificateIssued");
        KeyedCertificate ca = ca(p);
        assertThat(ca.certificate().getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
        assertThat(ca.notAfter()).isEqualTo(T0.plus(Duration.ofDays(3650)));
        X509Certificate leaf = leaf(p);
        assertThat(ca.signed(leaf)).isTrue();
        assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(T0.minus(GeneratedTls.BACKDATE));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(90)));
        assertThat(KeyedCertificate.dnsNames(leaf)).containsExactly(
                "demo-nsqd-headless", "demo-nsqd-headless.prod", "demo-nsqd-headless.prod.svc", "demo-nsqd-headless.prod.svc.cluster.local",
                "*.demo-nsqd-headless.prod.svc", "*.demo-nsqd-headless.prod.svc.cluster.local",
                "demo-nsqlookupd", "demo-nsqlookupd.prod", "demo-nsqlookupd.prod.svc", "demo-nsqlookupd.prod.svc.cluster.local",
                "demo-nsqlookupd-headless", "demo-nsqlookupd-headless.prod", "demo-nsqlookupd-headless.prod.svc",
                "demo-nsqlookupd-headless.prod.svc.cluster.local", "*.demo-nsqlookupd-headless.prod.svc",
                "*.demo-nsqlookupd-headless.prod.svc.cluster.local",
                "demo-nsqadmin", "demo-nsqadmin.prod", "demo-nsqadmin.prod.svc", "demo-nsqadmin.prod.svc.cluster.local");
        // clients get the CA certificate, never its key; the pods get the certificate, its key and the bundle
        assertThat(p.bundle()).containsOnlyKeys("ca.crt").containsEntry("ca.crt", p.caKey().get("ca.crt"));
        assertThat(p.caKey()).containsOnlyKeys("ca.crt", "ca.key");
        assertThat(p.server()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt").containsEntry("ca.crt", p.caKey().get("ca.crt"));
        assertThat(p.server().get("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
        // renewed when a third of its life remains
        assertThat(p.wakeAt()).isEqualTo(T0.plus(Duration.ofDays(60)));
    }

    @Test
    void betweenDueDatesEverySecretStaysByteForByteTheSame() {
        Plan first = GeneratedTls.plan(NAMES, DEFAULTS, T0, Map.of(), Map.of(), content -> true);
        Instant later = T0.plus(Duration.ofDays(60)).minusSeconds(1);
        Plan again = GeneratedTls.plan(NAMES, DEFAULTS, later, first.caKey(), first.server(), content -> true);
        assertThat(again.changes()).isEmpty();
        assertThat(again.caKey()).isEqualTo(first.caKey());
        assertThat(again.server()).isEqualTo(first.server());
        assertThat(again.bundle()).isEqualTo(first.bundle());
        assertThat(again.wakeAt()).isEqualTo(T0.plus(Duration.ofDays(60)));
    }

    @Test
    void theServerCertificateIsRenewedWhenAThirdOfItsLifeRemainsByTheSameCa() {
        Plan first = GeneratedTls.plan(NAMES, DEFAULTS, T0, Map.of(), Map.of(), content -> true);
        Instant due = T0.plus(Duration.ofDays(60));
        Plan renewed = GeneratedTls.plan(NAMES, DEFAULTS, due, first.caKey(), first.server(), content -> true);
        assertThat(reasons(renewed)).containsExactly("CertificateIssued");
        assertThat(renewed.changes().get(0).message()).startsWith("server certificate renewed (the previous one expires 2026-04-01");
        assertThat(renewed.caKey()).isEqualTo(first.caKey());
        assertThat(renewed.server().get("tls.crt")).isNotEqualTo(first.server().get("tls.crt"));
        assertThat(renewed.server().get("tls.key")).as("a new key too").isNotEqualTo(first.server().get("tls.key"));
        assertThat(ca(first).signed(leaf(renewed))).isTrue();
        assertThat(leaf(renewed).getNotAfter().toInstant()).isEqualTo(due.plus(Duration.ofDays(90)));
    }

    @Test
    void aCertificateForOtherNamesOrFromAnotherCaOrUnreadableIsReissued() {
        Plan first = GeneratedTls.plan(NAMES, DEFAULTS, T0, Map.of(), Map.of(), content -> true);
        KeyedCertificate other = ca(first).sign(List.of("demo-nsqd-headless"), T0, T0.plus(Duration.ofDays(90)));
        Plan names = GeneratedTls.plan(NAMES, DEFAULTS, T0, first.caKey(), Map.of("tls.crt", other.certificatePem(),
                "tls.key", other.keyPem(), "ca.crt", first.bundle().get("ca.crt")), content -> true);
        assertThat(names.changes()).extracting(Change::message).singleElement().asString()
                .startsWith("server certificate re-issued for the cluster's DNS names");

        KeyedCertificate stranger = KeyedCertificate.authority("someone else", T0, T0.plus(Duration.ofDays(10)))
                .sign(NAMES.dnsNames(), T0, T0.plus(Duration.ofDays(9)));
        Plan foreign = GeneratedTls.plan(NAMES, DEFAULTS, T0, first.caKey(), Map.of("tls.crt", stranger.certificatePem(),
                "tls.key", stranger.keyPem()), content -> true);
        assertThat(ca(first).signed(leaf(foreign))).isTrue();

        Plan garbage = GeneratedTls.plan(NAMES, DEFAULTS, T0, Map.of("ca.crt", "x", "ca.key", "y"), Map.of("tls.crt", "z"), content -> true);
        assertThat(garbage.changes()).extracting(Change::message).first().asString()
                .startsWith("the CA in demo-ca-key was not readable: new CA valid until 2035-12-30");
        assertThat(ca(garbage).signed(leaf(garbage))).isTrue();
    }

    /**
     * A year of days with a 300-day CA (a new one 100 days before its end, 2 days of overlap) and 30-day certificates:
     * the brokers take a day to roll onto each new Secret content. Every day the brokers' certificate is valid and
     * signed by a CA in the bundle they and the clients have; a new CA is published two days before it signs.
     */
    @Test
    void aCaRotationPublishesBothCasThenSwitchesTheCertificateThenDropsTheOldCaOnceEveryBrokerRunsIt() {
        GeneratedTlsSpec spec = new GeneratedTlsSpec();
        spec.caValidity = "7200h";
        spec.caRenewBefore = "2390h";
        spec.caOverlap = "48h";
        spec.validity = "720h";
        spec.renewBefore = "240h";
        Settings s = Settings.of(spec);

        Map<String, String> caKey = Map.of();
        Map<String, String> server = Map.of();
        Map<String, String> running = Map.of();
        Map<String, Instant> published = new HashMap<>();
        List<String> days = new ArrayList<>();
        for (int day = 0; day < 400; day++) {
            Instant now = T0.plus(Duration.ofDays(day));
            Map<String, String> brokers = running;
            Plan p = GeneratedTls.plan(NAMES, s, now, caKey, server, brokers::equals);
            if (!p.changes().isEmpty()) {
                days.add(day + " " + String.join(",", reasons(p)));
            }
            for (X509Certificate c : bundle(p)) {
                published.putIfAbsent(c.getSubjectX500Principal().getName(), now);
            }
            X509Certificate leaf = leaf(p);
            assertThat(leaf.getNotAfter().toInstant()).as("day " + day).isAfter(now);
            String issuer = leaf.getIssuerX500Principal().getName();
            assertThat(bundle(p)).as("day %d: the issuer is in the bundle", day).anyMatch(c -> c.getSubjectX500Principal().getName().equals(issuer));
            if (!running.isEmpty() && !leaf(p).equals(KeyedCertificate.certificates(running.get("tls.crt")).get(0))) {
                assertThat(Duration.between(published.get(issuer), now)).as("day %d: the signing CA was published long enough", day)
                        .isGreaterThanOrEqualTo(Duration.ofDays(2).minus(GeneratedTls.BACKDATE));
            }
            if (!running.isEmpty()) {
                X509Certificate served = KeyedCertificate.certificates(running.get("tls.crt")).get(0);
                assertThat(bundle(p)).as("day %d: clients still trust what the brokers not yet rolled serve", day)
                        .anyMatch(c -> c.getSubjectX500Principal().equals(served.getIssuerX500Principal()));
            }
            assertThat(p.wakeAt()).as("day %d", day).isAfter(now);
            running = server; // the brokers roll onto what was stored yesterday
            caKey = p.caKey();
            server = p.server();
        }
        // day 0: made; renewals every 20 days; day 201 (300 - 99.6): a new CA beside the old; day 203 the certificate
        // moves to it; day 205 the brokers run it (a day to see the Secret, a day to roll): the old CA goes
        assertThat(days).startsWith("0 CertificateAuthorityCreated,CertificateIssued", "20 CertificateIssued", "40 CertificateIssued");
        assertThat(days).containsSubsequence("200 CertificateIssued", "201 CertificateAuthorityRotating", "203 CertificateIssued",
                "205 CertificateAuthorityRetired", "223 CertificateIssued");
        assertThat(days.stream().filter(d -> d.contains("Rotating")).count()).isEqualTo(1);
    }

    @Test
    void durationsThatDoNotFitTogetherAreRefused() {
        GeneratedTlsSpec spec = new GeneratedTlsSpec();
        spec.renewBefore = "2160h";
        assertThatThrownBy(() -> Settings.of(spec)).hasMessage("spec.tls.generate.renewBefore must be shorter than validity");
        spec.renewBefore = null;
        spec.caOverlap = "40000h";
        assertThatThrownBy(() -> Settings.of(spec)).hasMessageStartingWith("spec.tls.generate.caOverlap must be shorter than caRenewBefore");
        spec.caOverlap = "10s";
        assertThatThrownBy(() -> Settings.of(spec)).hasMessage("spec.tls.generate.caOverlap: at least 1m");
        spec.caOverlap = "soon";
        assertThatThrownBy(() -> Settings.of(spec)).hasMessage("spec.tls.generate.caOverlap: invalid duration \"soon\"");
    }
}
