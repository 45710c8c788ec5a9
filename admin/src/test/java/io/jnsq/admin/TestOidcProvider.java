package io.jnsq.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * A small OpenID Connect provider for the tests, speaking the parts of the protocol a web application uses, as
 * Keycloak or Dex do: discovery ({@code /.well-known/openid-configuration}), the signing keys ({@code /jwks}), an
 * authorization endpoint with a login form (users and their groups given by the test) that issues a one-time code
 * to a registered redirect URI, and a token endpoint that checks the client's secret ({@code client_secret_basic} or
 * {@code client_secret_post}) and answers RS256-signed ID and access tokens with a {@code groups} claim. It requires
 * PKCE (S256) and a nonce, as a careful provider may.
 */
final class TestOidcProvider implements AutoCloseable {

    /** A user; {@code groupsInAccessTokenOnly} as Keycloak's realm roles are by default. */
    record Account(String password, String email, List<String> groups, boolean groupsInAccessTokenOnly) {
        Account(String password, String email, List<String> groups) {
            this(password, email, groups, false);
        }
    }

    private record Grant(String user, String clientId, String redirectUri, String nonce, String codeChallenge) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final String clientId;
    private final String clientSecret;
    private final Set<String> redirectUris;
    private final Map<String, Account> accounts;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Token requests refused for a wrong client secret. */
    final AtomicInteger refusedClients = new AtomicInteger();
    /** Codes exchanged for tokens. */
    final AtomicInteger tokensIssued = new AtomicInteger();

    TestOidcProvider(String clientId, String clientSecret, Set<String> redirectUris, Map<String, Account> accounts)
            throws IOException, JoseException {
        this(0, clientId, clientSecret, redirectUris, accounts);
    }

    /** On this port (0: any free one). */
    TestOidcProvider(int port, String clientId, String clientSecret, Set<String> redirectUris, Map<String, Account> accounts)
            throws IOException, JoseException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUris = redirectUris;
        this.accounts = accounts;
        this.key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("test-key-1");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/.well-known/openid-configuration", ex -> answer(ex, 200, "application/json", discovery()));
        server.createContext("/jwks", ex -> answer(ex, 200, "application/json",
                new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.start();
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private String discovery() {
        ObjectNode d = JSON.createObjectNode();
        d.put("issuer", issuer());
        d.put("authorization_endpoint", issuer() + "/authorize");
        d.put("token_endpoint", issuer() + "/token");
        d.put("jwks_uri", issuer() + "/jwks");
        d.putArray("response_types_supported").add("code");
        d.putArray("subject_types_supported").add("public");
        d.putArray("id_token_signing_alg_values_supported").add("RS256");
        d.putArray("scopes_supported").add("openid").add("profile").add("email").add("groups");
        d.putArray("token_endpoint_auth_methods_supported").add("client_secret_basic").add("client_secret_post");
        return d.toString();
    }

    /** GET: the login form; POST: the user's answer, redirected back with a code (or with error=access_denied). */
    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = "POST".equals(ex.getRequestMethod())
                ? form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                : form(ex.getRequestURI().getRawQuery());
        String redirectUri = q.getOrDefault("redirect_uri", "");
        if (!clientId.equals(q.get("client_id")) || !redirectUris.contains(redirectUri)) {
            answer(ex, 400, "text/plain", "unknown client or redirect_uri not registered: " + redirectUri);
            return;
        }
        if (!"code".equals(q.get("response_type")) || !List.of(q.getOrDefault("scope", "").split(" ")).contains("openid")
                || !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null || q.get("nonce") == null) {
            redirectBack(ex, redirectUri, "error=invalid_request&error_description=" + enc("PKCE (S256) and a nonce required"),
                    q.get("state"));
            return;
        }
        if ("GET".equals(ex.getRequestMethod())) {
            loginForm(ex, q, "");
            return;
        }
        if (q.containsKey("cancel")) {
            redirectBack(ex, redirectUri, "error=access_denied&error_description=" + enc("The user cancelled the sign-in"),
                    q.get("state"));
            return;
        }
        String user = q.getOrDefault("username", "");
        Account account = accounts.get(user);
        if (account == null || !account.password().equals(q.getOrDefault("password", ""))) {
            loginForm(ex, q, "Invalid username or password.");
            return;
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String code = HexFormat.of().formatHex(bytes);
        codes.put(code, new Grant(user, clientId, redirectUri, q.get("nonce"), q.get("code_challenge")));
        redirectBack(ex, redirectUri, "code=" + code, q.get("state"));
    }

    private void loginForm(HttpExchange ex, Map<String, String> q, String problem) throws IOException {
        StringBuilder hidden = new StringBuilder();
        for (String f : List.of("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
                "code_challenge_method")) {
            if (q.containsKey(f)) {
                hidden.append("<input type=\"hidden\" name=\"").append(f).append("\" value=\"")
                        .append(q.get(f).replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;")).append("\">");
            }
        }
        answer(ex, problem.isEmpty() ? 200 : 401, "text/html; charset=utf-8", """
                <!DOCTYPE html><html><head><title>Test identity provider</title></head><body>
                <h1>Sign in to the test identity provider</h1><p class="problem">%s</p>
                <form method="post" action="/authorize">%s
                <input id="username" name="username"><input id="password" name="password" type="password">
                <button id="login" type="submit">Sign in</button><button id="cancel" name="cancel" value="1">Cancel</button>
                </form></body></html>""".formatted(problem, hidden));
    }

    private void redirectBack(HttpExchange ex, String redirectUri, String params, String state) throws IOException {
        String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + params
                + (state == null ? "" : "&state=" + enc(state));
        ex.getResponseHeaders().set("Location", location);
        answer(ex, 302, "text/plain", "");
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String id = f.get("client_id");
        String secret = f.get("client_secret");
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            id = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "";
        }
        if (!clientId.equals(id) || !clientSecret.equals(secret)) {
            refusedClients.incrementAndGet();
            answer(ex, 401, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client credentials\"}");
            return;
        }
        Grant grant = "authorization_code".equals(f.get("grant_type")) ? codes.remove(f.getOrDefault("code", "")) : null;
        if (grant == null || !grant.redirectUri().equals(f.get("redirect_uri"))
                || !grant.codeChallenge().equals(s256(f.getOrDefault("code_verifier", "")))) {
            answer(ex, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        Account account = accounts.get(grant.user());
        try {
            ObjectNode t = JSON.createObjectNode();
            t.put("access_token", sign(claims(grant, account, "access")));
            t.put("token_type", "Bearer");
            t.put("expires_in", 300);
            t.put("id_token", sign(claims(grant, account, "id")));
            tokensIssued.incrementAndGet();
            answer(ex, 200, "application/json", t.toString());
        } catch (JoseException e) {
            answer(ex, 500, "application/json", "{\"error\":\"server_error\"}");
        }
    }

    private JwtClaims claims(Grant grant, Account account, String kind) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(issuer());
        c.setSubject("subject-of-" + grant.user());
        c.setAudience(grant.clientId());
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        c.setGeneratedJwtId();
        c.setClaim("azp", grant.clientId());
        if (kind.equals("id") && grant.nonce() != null) {
            c.setClaim("nonce", grant.nonce());
        }
        c.setClaim("preferred_username", grant.user());
        c.setClaim("email", account.email());
        if (kind.equals("access") || !account.groupsInAccessTokenOnly()) {
            c.setStringListClaim("groups", account.groups());
        }
        return c;
    }

    private String sign(JwtClaims claims) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> m = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return m;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            m.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }
}
