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
