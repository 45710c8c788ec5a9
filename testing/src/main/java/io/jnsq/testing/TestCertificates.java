package io.jnsq.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, written as PEM files the way an operator hands them to nsqd: a CA ({@code ca.pem}), a
 * server certificate for {@code localhost} and {@code 127.0.0.1} signed by it ({@code server.pem}, {@code
 * server.key}), a client certificate with common name {@code client} ({@code client.pem}, {@code client.key}), and a
 * second, unrelated CA's client certificate ({@code stranger.pem}, {@code stranger.key}) that verification refuses.
 * Keys are EC P-256 in PKCS#8 PEM.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public final Path dir;
    public final Path ca;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    public final Path strangerCert;
    public final Path strangerKey;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
        this.clientCert = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client.key");
        this.strangerCert = dir.resolve("stranger.pem");
        this.strangerKey = dir.resolve("stranger.key");
    }

    /** Generates a fresh set into {@code dir}. */
    public static TestCertificates generate(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
            TestCertificates c = new TestCertificates(dir);
            KeyPair caKeys = keys();
            X500Name caName = new X500Name("CN=jnsq test CA");
            X509Certificate caCert = sign(caName, caKeys, caName, caKeys, true, null, null);
            write(c.ca, caCert);

            KeyPair serverKeys = keys();
            GeneralNames names = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
            write(c.serverCert, sign(new X500Name("CN=localhost"), serverKeys, caName, caKeys, false, names,
                    KeyPurposeId.id_kp_serverAuth));
            write(c.serverKey, serverKeys.getPrivate());

            KeyPair clientKeys = keys();
            write(c.clientCert, sign(new X500Name("CN=client"), clientKeys, caName, caKeys, false, null,
                    KeyPurposeId.id_kp_clientAuth));
            write(c.clientKey, clientKeys.getPrivate());

            KeyPair otherCaKeys = keys();
            X500Name otherCa = new X500Name("CN=someone else's CA");
            KeyPair strangerKeys = keys();
            write(c.strangerCert, sign(new X500Name("CN=stranger"), strangerKeys, otherCa, otherCaKeys, false, null,
                    KeyPurposeId.id_kp_clientAuth));
            write(c.strangerKey, strangerKeys.getPrivate());
            return c;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate test certificates: " + e.getMessage(), e);
        }
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            boolean isCa, GeneralNames altNames, KeyPurposeId purpose)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (altNames != null) {
            b.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static void write(Path file, Object pemObject) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(pemObject instanceof java.security.PrivateKey k
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : pemObject);
        }
        Files.writeString(file, s.toString());
    }
}
