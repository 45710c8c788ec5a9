package io.jnsq.broker.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * nsqd's side of the auth-server protocol ({@code --auth-http-address}): asks the servers, starting at a random one
 * and trying the next on failure, {@code GET /auth?remote_ip=&tls=&secret=&common_name=} (or the full URL given),
 * and checks the answer. Asynchronous: network I/O never runs on an event loop. HTTPS servers are verified against
 * {@code --tls-root-ca-file} when given, as nsqd's client TLS config does.
 */
public final class AuthServers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> addresses;
    private final HttpClient http;
    private final Duration requestTimeout;

    public AuthServers(List<String> addresses, Duration connectTimeout, Duration requestTimeout, String rootCaFile) {
        this.addresses = List.copyOf(addresses);
        this.requestTimeout = requestTimeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (!rootCaFile.isEmpty()) {
            b.sslContext(trusting(Path.of(rootCaFile)));
        }
        // Built only when there is a server to ask: an HTTP client costs a thread and, at its first build, the JDK's CA
        // store (a good part of a second of CPU at start-up), which an nsqd without --auth-http-address never needs.
        this.http = addresses.isEmpty() ? null : b.build();
    }

    public boolean enabled() {
        return !addresses.isEmpty();
    }

    /**
     * The state for this connection's secret; fails with every server's error (for the log, never for the client).
     */
    public CompletableFuture<AuthState> query(String remoteIp, boolean tls, String commonName, String secret) {
        int start = ThreadLocalRandom.current().nextInt(addresses.size());
        return attempt(0, start, remoteIp, tls, commonName, secret, null);
    }

    private CompletableFuture<AuthState> attempt(int i, int start, String remoteIp, boolean tls, String commonName,
            String secret, String errors) {
        if (i == addresses.size()) {
            return CompletableFuture.failedFuture(new IOException(errors));
        }
        String a = addresses.get((start + i) % addresses.size());
        return queryOne(a, remoteIp, tls, commonName, secret).handle((state, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(state);
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            String es = "failed to auth against " + a + " - " + cause.getMessage();
            return attempt(i + 1, start, remoteIp, tls, commonName, secret, errors == null ? es : errors + "; " + es);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<AuthState> queryOne(String address, String remoteIp, boolean tls, String commonName, String secret) {
        // nsqd encodes the parameters with Go's url.Values.Encode: sorted by key
        String query = "common_name=" + enc(commonName) + "&remote_ip=" + enc(remoteIp) + "&secret=" + enc(secret)
                + "&tls=" + tls;
        String endpoint = address.contains("://") ? address + "?" + query : "http://" + address + "/auth?" + query;
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(endpoint)).timeout(requestTimeout).GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(resp -> {
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("got response " + resp.statusCode() + " "
                        + new String(resp.body(), StandardCharsets.UTF_8).trim());
            }
            JsonNode body;
            try {
                body = JSON.readTree(resp.body());
            } catch (IOException e) {
                throw new IllegalStateException("invalid JSON: " + e.getMessage());
            }
            return AuthState.parse(body, System.nanoTime());
        });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, c);
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, f.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("failed to build client TLS config - " + e.getMessage(), e);
        }
    }
}
