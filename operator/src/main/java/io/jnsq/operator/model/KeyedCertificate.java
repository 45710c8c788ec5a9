package io.jnsq.operator.model;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An X.509 certificate with its private key, as the operator makes them with BouncyCastle: a self-signed CA, or a
 * server certificate the CA signs for DNS names (both EC P-256, SHA-256 with ECDSA); read from and written to PEM (the
 * key as PKCS#8), the form the Secrets hold and nsqd reads.
 */
public record KeyedCertificate(X509Certificate certificate, PrivateKey key) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A CA: basic constraints CA, may sign certificates, valid from {@code notBefore} to {@code notAfter}. */
    public static KeyedCertificate authority(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=" + commonName);
        return new KeyedCertificate(build(name, keys, name, keys.getPrivate(), null, notBefore, notAfter, true, List.of()), keys.getPrivate());
    }

    /** A server certificate for {@code dnsNames} (the first is also its common name), signed by this CA. */
    public KeyedCertificate sign(List<String> dnsNames, Instant notBefore, Instant notAfter) {
        KeyPair keys = keys();
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        return new KeyedCertificate(build(new X500Name("CN=" + dnsNames.get(0)), keys, issuer, key, certificate, notBefore, notAfter,
                false, dnsNames), keys.getPrivate());
    }

    /** Whether this CA signed {@code c}. */
    public boolean signed(X509Certificate c) {
        if (!c.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
            return false;
        }
        try {
            c.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** The DNS names of the certificate's subject alternative names. */
    public List<String> dnsNames() {
        return dnsNames(certificate);
    }

    public static List<String> dnsNames(X509Certificate c) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = c.getSubjectAlternativeNames();
            if (all != null) {
                all.stream().filter(n -> Integer.valueOf(GeneralName.dNSName).equals(n.get(0))).forEach(n -> names.add((String) n.get(1)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable subject alternative names: " + e.getMessage(), e);
        }
        return names;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    public String keyPem() {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a certificate and its key from PEM; throws IllegalArgumentException when either is not readable PEM. */
    public static KeyedCertificate read(String certificatePem, String keyPem) {
        List<X509Certificate> certificates = certificates(certificatePem);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate in PEM");
        }
        try (PEMParser p = new PEMParser(new StringReader(keyPem == null ? "" : keyPem))) {
            Object o = p.readObject();
            if (!(o instanceof PrivateKeyInfo info)) {
                throw new IllegalArgumentException("no PKCS#8 private key in PEM");
            }
            return new KeyedCertificate(certificates.get(0), new JcaPEMKeyConverter().getPrivateKey(info));
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM text (a CA bundle), in order; throws IllegalArgumentException when unreadable. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem == null ? "" : pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    public static String pem(Object o) {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
            X509Certificate issuerCertificate, Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCertificate));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                // serverAuth for nsqd's listeners, clientAuth for nsqadmin/peers presenting it as a client certificate
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
        }
    }
}
