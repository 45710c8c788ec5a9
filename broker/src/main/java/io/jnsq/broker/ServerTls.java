package io.jnsq.broker;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.X509TrustManager;

/**
 * nsqd's server TLS configuration ({@code buildTLSConfig}) for the TCP listener, where IDENTIFY upgrades a connection,
 * and the HTTPS listener: {@code --tls-cert}/{@code --tls-key} (PEM), {@code --tls-client-auth-policy}
 * ({@code require}: any client certificate; {@code require-verify}: one signed by {@code --tls-root-ca-file}; none
 * asked otherwise), {@code --tls-min-version}, and nsqd's 5 s handshake deadline.
 */
final class ServerTls {

    private ServerTls() {
    }

    /** Adds the TLS settings to {@code options}; {@code ssl} says whether every connection starts with TLS (HTTPS). */
    static <T extends NetServerOptions> T apply(T options, NsqdOptions opts, boolean ssl) {
        options.setSsl(ssl)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(opts.tlsCert).setKeyPath(opts.tlsKey))
                .setSslHandshakeTimeout(5)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                .setEnabledSecureTransportProtocols(protocolsFrom(opts.tlsMinVersion));
        switch (opts.tlsClientAuthPolicy) {
            case "require" -> options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(TrustOptions.wrap(ANY_CLIENT));
            case "require-verify" -> {
                options.setClientAuth(ClientAuth.REQUIRED);
                if (!opts.tlsRootCaFile.isEmpty()) {
                    options.setTrustOptions(new PemTrustOptions().addCertPath(opts.tlsRootCaFile));
                }
            }
            default -> options.setClientAuth(ClientAuth.NONE);
        }
        return options;
    }

    /** The versions from {@code --tls-min-version} up, as the JDK names them. */
    static Set<String> protocolsFrom(String min) {
        List<String> all = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
        int from = switch (min.toLowerCase()) {
            case "tls1.1" -> 1;
            case "tls1.2" -> 2;
            case "tls1.3" -> 3;
            default -> 0;
        };
        return new LinkedHashSet<>(all.subList(from, all.size()));
    }

    /** The suites nsqd v1.3.0 names in client stats; any other is "Unknown <IANA number>", as nsqd prints it. */
    private static final Set<String> NSQD_NAMED_SUITES = Set.of("TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    /** IANA numbers of the suites the JDK negotiates by default that nsqd does not name. */
    private static final java.util.Map<String, Integer> IANA = java.util.Map.ofEntries(
            java.util.Map.entry("TLS_AES_128_GCM_SHA256", 0x1301), java.util.Map.entry("TLS_AES_256_GCM_SHA384", 0x1302),
            java.util.Map.entry("TLS_CHACHA20_POLY1305_SHA256", 0x1303),
            java.util.Map.entry("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C),
            java.util.Map.entry("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030),
            java.util.Map.entry("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA9),
            java.util.Map.entry("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8),
            java.util.Map.entry("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009E),
            java.util.Map.entry("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x009F),
            java.util.Map.entry("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xC023),
            java.util.Map.entry("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC027),
            java.util.Map.entry("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xC024),
            java.util.Map.entry("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xC028));

    /** A negotiated suite as nsqd's client stats show it ({@code tls_cipher_suite}). */
    static String nsqdCipherSuite(String javaName) {
        if (NSQD_NAMED_SUITES.contains(javaName)) {
            return javaName;
        }
        Integer number = IANA.get(javaName);
        return number == null ? javaName : "Unknown " + number;
    }

    /** The common name of the client's certificate, as nsqd passes it to the auth server; "" without one. */
    static String peerCommonName(NetSocket socket) {
        try {
            List<Certificate> chain = socket.peerCertificates();
            if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate x)) {
                return "";
            }
            for (Rdn rdn : new LdapName(x.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (Exception e) {
            // no peer certificate (javax.net.ssl.SSLPeerUnverifiedException) or an unparsable name
        }
        return "";
    }

    /** nsqd's {@code require}: a client certificate must be presented, and any is accepted. */
    private static final X509TrustManager ANY_CLIENT = new X509TrustManager() {
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
