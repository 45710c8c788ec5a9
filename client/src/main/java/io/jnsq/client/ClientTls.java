package io.jnsq.client;

import java.io.IOException;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The client side of TLS as go-nsq configures it: the system's trust store or {@code tls_root_ca_file}, an optional
 * client certificate ({@code tls_cert} + {@code tls_key}, PEM), {@code tls_insecure_skip_verify}, and
 * {@code tls_min_version}. The server's name is checked against the host we dialled unless verification is skipped.
 */
public final class ClientTls {

    private final SSLContext context;
    private final boolean verify;
    private final String[] protocols;

    private ClientTls(SSLContext context, boolean verify, String[] protocols) {
        this.context = context;
        this.verify = verify;
        this.protocols = protocols;
    }

    /** Reads the files {@code config} names; a missing or unreadable one is an {@link NsqException} saying which. */
    public static ClientTls of(Config config) throws NsqException {
        try {
            KeyManager[] keys = null;
            if (!config.tlsCert.isEmpty() || !config.tlsKey.isEmpty()) {
                if (config.tlsCert.isEmpty() || config.tlsKey.isEmpty()) {
                    throw new NsqException("tls_cert and tls_key must be given together");
                }
                keys = keyManagers(Path.of(config.tlsCert), Path.of(config.tlsKey));
            }
            TrustManager[] trust;
            if (config.tlsInsecureSkipVerify) {
                trust = new TrustManager[] {TRUST_ALL};
            } else if (!config.tlsRootCaFile.isEmpty()) {
                trust = trustManagers(Path.of(config.tlsRootCaFile));
            } else {
                trust = null; // the JVM's trust store
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return new ClientTls(ctx, !config.tlsInsecureSkipVerify, protocolsFrom(config.tlsMinVersion));
        } catch (GeneralSecurityException e) {
            throw new NsqException("TLS configuration: " + e.getMessage(), e);
        }
    }

    /** The SSL context (trust and client certificate) these settings describe, for other clients' socket factories. */
    public SSLContext context() {
        return context;
    }

    /** Wraps a connected socket and completes the handshake; a refused or failed handshake is an NsqException. */
    public SSLSocket upgrade(Socket plain, String host, int port, String address) throws NsqException {
        try {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters params = tls.getSSLParameters();
            if (verify) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            List<String> supported = List.of(tls.getSupportedProtocols());
            params.setProtocols(java.util.Arrays.stream(protocols).filter(supported::contains).toArray(String[]::new));
            tls.setSSLParameters(params);
            tls.setUseClientMode(true);
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            throw new NsqException("TLS handshake with nsqd at " + address + " failed: " + e.getMessage(), e);
        }
    }

    /** The protocol versions from {@code min} up (go-nsq's names: ssl3.0, tls1.0, tls1.1, tls1.2, tls1.3). */
    static String[] protocolsFrom(String min) throws NsqException {
        List<String> all = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
        int from = switch (min.isEmpty() ? "tls1.0" : min.toLowerCase()) {
            case "ssl3.0", "tls1.0" -> 0;
            case "tls1.1" -> 1;
            case "tls1.2" -> 2;
            case "tls1.3" -> 3;
            default -> throw new NsqException("unknown tls_min_version '" + min + "' (want tls1.0, tls1.1, tls1.2 or tls1.3)");
        };
        return all.subList(from, all.size()).toArray(String[]::new);
    }

    static TrustManager[] trustManagers(Path caFile) throws NsqException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new NsqException(e.getMessage(), e);
        }
        int i = 0;
        for (Certificate c : certificates(caFile)) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        if (i == 0) {
            throw new NsqException("no certificate in " + caFile);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return f.getTrustManagers();
    }

    private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws NsqException, GeneralSecurityException {
        Collection<? extends Certificate> chain = certificates(certFile);
        if (chain.isEmpty()) {
            throw new NsqException("no certificate in " + certFile);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new NsqException(e.getMessage(), e);
        }
        store.setKeyEntry("client", privateKey(keyFile), new char[0], chain.toArray(Certificate[]::new));
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(store, new char[0]);
        return f.getKeyManagers();
    }

    private static Collection<? extends Certificate> certificates(Path file) throws NsqException {
        try (var in = Files.newInputStream(file)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (IOException | GeneralSecurityException e) {
            throw new NsqException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    /** A PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), as Go's tls.LoadX509KeyPair accepts. */
    static PrivateKey privateKey(Path file) throws NsqException {
        try (Reader r = Files.newBufferedReader(file); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter convert = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return convert.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return convert.getKeyPair(pair).getPrivate();
                }
            }
            throw new NsqException("no private key in " + file);
        } catch (IOException e) {
            throw e instanceof NsqException n ? n : new NsqException("cannot read private key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Trusts any certificate for any name (an extended manager, so that JSSE adds no host name check either). */
    private static final X509TrustManager TRUST_ALL = new javax.net.ssl.X509ExtendedTrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
}
