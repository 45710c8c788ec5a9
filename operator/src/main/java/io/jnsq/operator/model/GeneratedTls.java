package io.jnsq.operator.model;

import io.jnsq.cli.GoDuration;
import io.jnsq.operator.NsqClusterSpec.GeneratedTlsSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The certificates of {@code spec.tls.generate}, decided from what the Secrets hold now and the time: the operator's
 * CA ({@code <cluster>-ca-key}), the CA bundle clients trust ({@code <cluster>-ca}) and the server certificate the
 * pods mount ({@code <cluster>-tls}). Each decision is one step:
 * <ol>
 * <li>no (readable) CA: a new one, and a server certificate signed by it;</li>
 * <li>the CA within {@code caRenewBefore} of its end: a new CA signs from now on, and the bundle holds the old and the
 * new one, while the server certificate stays the one the old CA signed;</li>
 * <li>{@code caOverlap} after the new CA was published: the server certificate is signed by the new CA (the brokers
 * roll onto it, one at a time);</li>
 * <li>once every broker runs it: the old CA leaves the bundle (an expired old CA leaves at once);</li>
 * <li>the server certificate within {@code renewBefore} of its end (never more than a third of its life: it cannot
 * outlive its CA), or naming other DNS names: re-issued.</li>
 * </ol>
 * The plan says when to look again. Nothing is re-encoded when nothing changes, so the Secrets stay as they are.
 */
public final class GeneratedTls {

    public static final String CA_CRT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    /** In the CA Secret while a CA rotation is under way: the old CA, still in the bundle, and its key. */
    public static final String PREVIOUS_CA_CRT = "previous-ca.crt";
    public static final String PREVIOUS_CA_KEY = "previous-ca.key";
    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    /** Certificates start a little in the past: a client whose clock is behind still accepts a new one. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** spec.tls.generate's durations, defaults filled in. */
    public record Settings(Duration caValidity, Duration caRenewBefore, Duration caOverlap, Duration validity, Duration renewBefore) {

        /** Throws IllegalArgumentException with a message for the status when the durations do not fit together. */
        public static Settings of(GeneratedTlsSpec spec) {
            Duration caValidity = duration("caValidity", spec.caValidity);
            Duration validity = duration("validity", spec.validity);
            Duration caRenewBefore = spec.caRenewBefore == null ? caValidity.dividedBy(3) : duration("caRenewBefore", spec.caRenewBefore);
            Duration renewBefore = spec.renewBefore == null ? validity.dividedBy(3) : duration("renewBefore", spec.renewBefore);
            Duration caOverlap = spec.caOverlap == null ? Duration.ofHours(24) : duration("caOverlap", spec.caOverlap);
            if (caRenewBefore.compareTo(caValidity) >= 0) {
                throw new IllegalArgumentException("spec.tls.generate.caRenewBefore must be shorter than caValidity");
            }
            if (renewBefore.compareTo(validity) >= 0) {
                throw new IllegalArgumentException("spec.tls.generate.renewBefore must be shorter than validity");
            }
            if (caOverlap.compareTo(caRenewBefore) >= 0) {
                throw new IllegalArgumentException("spec.tls.generate.caOverlap must be shorter than caRenewBefore "
                        + "(the server certificate must move to the new CA before the old one expires)");
            }
            return new Settings(caValidity, caRenewBefore, caOverlap, validity, renewBefore);
        }

        private static Duration duration(String field, String text) {
            try {
                Duration d = GoDuration.parse(text);
                if (d.compareTo(Duration.ofMinutes(1)) < 0) {
                    throw new IllegalArgumentException("spec.tls.generate." + field + ": at least 1m");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith("spec.") ? e
                        : new IllegalArgumentException("spec.tls.generate." + field + ": " + e.getMessage());
            }
        }
    }

    /** Something the plan did, for an Event. */
    public record Change(String reason, String message) {
    }

    /**
     * The contents of the three Secrets (string values), what changed, and when the next step is due.
     */
    public record Plan(Map<String, String> caKey, Map<String, String> bundle, Map<String, String> server, List<Change> changes,
            Instant wakeAt) {
    }

    private GeneratedTls() {
    }

    /**
     * @param caKey          what {@code <cluster>-ca-key} holds (empty: nothing yet)
     * @param server         what {@code <cluster>-tls} holds (empty: nothing yet)
     * @param runEverywhere  whether every nsqd pod already runs with this content of {@code <cluster>-tls}
     */
    public static Plan plan(ClusterNames names, Settings s, Instant now, Map<String, String> caKey, Map<String, String> server,
            Predicate<Map<String, String>> runEverywhere) {
        List<Change> changes = new ArrayList<>();
        List<Instant> wake = new ArrayList<>();

        KeyedCertificate ca = readable(caKey.get(CA_CRT), caKey.get(CA_KEY)).orElse(null);
        KeyedCertificate previous = ca == null ? null : readable(caKey.get(PREVIOUS_CA_CRT), caKey.get(PREVIOUS_CA_KEY)).orElse(null);
        if (ca == null) {
            ca = KeyedCertificate.authority(caName(names, now), now.minus(BACKDATE), now.plus(s.caValidity()));
            changes.add(new Change("CertificateAuthorityCreated", (caKey.isEmpty() ? "" : "the CA in " + names.caKeySecret()
                    + " was not readable: ") + "new CA valid until " + DAY.format(ca.notAfter()) + ", published in Secret "
                    + names.caSecret() + " (ca.crt)"));
        } else if (previous == null && !now.isBefore(ca.notAfter().minus(s.caRenewBefore()))) {
            previous = ca;
            ca = KeyedCertificate.authority(caName(names, now), now.minus(BACKDATE), now.plus(s.caValidity()));
            changes.add(new Change("CertificateAuthorityRotating", "the CA expires " + DAY.format(previous.notAfter())
                    + ": a new CA (until " + DAY.format(ca.notAfter()) + ") is published beside it in Secret " + names.caSecret()
                    + "; the server certificate moves to it after " + GoDuration.format(s.caOverlap())));
        }
        if (previous != null && !now.isBefore(previous.notAfter())) {
            previous = null;
            changes.add(new Change("CertificateAuthorityRetired", "the previous CA has expired: removed from Secret " + names.caSecret()));
        }
        // while clients are given time to read the new CA, certificates are still signed by the previous one
        Instant switchAt = ca.notBefore().plus(BACKDATE).plus(s.caOverlap());
        boolean overlapping = previous != null && now.isBefore(switchAt);
        KeyedCertificate signer = overlapping ? previous : ca;
        if (overlapping) {
            wake.add(switchAt);
        }

        KeyedCertificate leaf = readable(server.get(TLS_CRT), server.get(TLS_KEY)).orElse(null);
        String reason = null;
        if (leaf == null) {
            reason = server.isEmpty() ? "issued" : "re-issued (the one in " + names.tlsSecret() + " was not readable)";
        } else if (!signer.signed(leaf.certificate())) {
            reason = ca.signed(leaf.certificate()) || (previous != null && previous.signed(leaf.certificate()))
                    ? "signed by the new CA" : "re-issued (it was not signed by the cluster's CA)";
        } else if (!now.isBefore(renewAt(leaf, s))) {
            reason = "renewed (the previous one expires " + DAY.format(leaf.notAfter()) + ")";
        } else if (!new HashSet<>(leaf.dnsNames()).equals(new HashSet<>(names.dnsNames()))) {
            reason = "re-issued for the cluster's DNS names";
        }
        String tlsCrt = server.get(TLS_CRT);
        String tlsKey = server.get(TLS_KEY);
        if (reason != null) {
            Instant until = now.plus(s.validity()).isAfter(signer.notAfter()) ? signer.notAfter() : now.plus(s.validity());
            leaf = signer.sign(names.dnsNames(), now.minus(BACKDATE), until);
            tlsCrt = leaf.certificatePem();
            tlsKey = leaf.keyPem();
            changes.add(new Change("CertificateIssued", "server certificate " + reason + ", valid until " + DAY.format(leaf.notAfter())
                    + "; nsqd restarts one broker at a time"));
        }
        wake.add(renewAt(leaf, s));

        String caCrt = same(ca, caKey.get(CA_CRT), caKey.get(CA_KEY)) ? caKey.get(CA_CRT) : ca.certificatePem();
        Map<String, String> serverNow = server(tlsCrt, tlsKey, bundle(caCrt, previous));
        if (previous != null && reason == null && ca.signed(leaf.certificate()) && runEverywhere.test(serverNow)) {
            previous = null;
            changes.add(new Change("CertificateAuthorityRetired", "every broker serves a certificate of the new CA: the old CA "
                    + "is removed from Secret " + names.caSecret()));
            serverNow = server(tlsCrt, tlsKey, bundle(caCrt, null));
        }
        wake.add(previous == null ? ca.notAfter().minus(s.caRenewBefore()) : previous.notAfter());

        Map<String, String> caKeyNow = new LinkedHashMap<>();
        caKeyNow.put(CA_CRT, caCrt);
        caKeyNow.put(CA_KEY, same(ca, caKey.get(CA_CRT), caKey.get(CA_KEY)) ? caKey.get(CA_KEY) : ca.keyPem());
        if (previous != null) {
            boolean kept = same(previous, caKey.get(PREVIOUS_CA_CRT), caKey.get(PREVIOUS_CA_KEY));
            caKeyNow.put(PREVIOUS_CA_CRT, kept ? caKey.get(PREVIOUS_CA_CRT) : previous.certificatePem());
            caKeyNow.put(PREVIOUS_CA_KEY, kept ? caKey.get(PREVIOUS_CA_KEY) : previous.keyPem());
        }
        return new Plan(caKeyNow, Map.of(CA_CRT, serverNow.get(CA_CRT)), serverNow, changes,
                wake.stream().min(Instant::compareTo).orElseThrow());
    }

    /** When a server certificate is renewed: renewBefore its end, but never earlier than two thirds into its life. */
    static Instant renewAt(KeyedCertificate leaf, Settings s) {
        Duration life = Duration.between(leaf.notBefore(), leaf.notAfter());
        Duration before = s.renewBefore().compareTo(life.dividedBy(3)) > 0 ? life.dividedBy(3) : s.renewBefore();
        return leaf.notAfter().minus(before);
    }

    private static Map<String, String> server(String tlsCrt, String tlsKey, String bundle) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TLS_CRT, tlsCrt);
        m.put(TLS_KEY, tlsKey);
        m.put(CA_CRT, bundle);
        return m;
    }

    /** The CA bundle: the signing CA, then (during a rotation) the previous one. */
    private static String bundle(String caCrt, KeyedCertificate previous) {
        return previous == null ? caCrt : caCrt + previous.certificatePem();
    }

    /** Whether {@code c} is what the PEM texts hold (then they are kept as they are, byte for byte). */
    private static boolean same(KeyedCertificate c, String certificatePem, String keyPem) {
        return readable(certificatePem, keyPem).map(r -> r.certificate().equals(c.certificate())).orElse(false);
    }

    private static String caName(ClusterNames names, Instant now) {
        return "jnsq CA " + names.namespace() + "/" + names.cluster() + " " + DAY.format(now);
    }

    private static Optional<KeyedCertificate> readable(String certificatePem, String keyPem) {
        if (certificatePem == null || keyPem == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(KeyedCertificate.read(certificatePem, keyPem));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
