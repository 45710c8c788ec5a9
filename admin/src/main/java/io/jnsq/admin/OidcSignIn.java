package io.jnsq.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sign-in with OpenID Connect ({@code --oidc-*}): what the flags ask of Quarkus OIDC, and how the identity the
 * provider vouches for becomes an nsqadmin user. Quarkus OIDC runs the authorization-code flow on one path,
 * {@code <base-path>/login/oidc} (the redirect URI to register at the provider); {@link SignIn} then keeps its own
 * session, as for the users file, so roles, CSRF refusal, audit and sign-out are the same for both.
 *
 * <p>The user's name is the ID token's {@code preferred_username}, else {@code email}, else {@code sub}; the role is
 * admin when the {@code --oidc-roles-claim} claim holds one of the {@code --oidc-admin-group} values, else viewer.
 * The claim is read from the ID token, or, when it has none, from the access token if that is a JWT (Keycloak puts
 * realm roles there only, by default): nsqadmin got both straight from the provider's token endpoint.
 */
final class OidcSignIn {

    /** Where the code flow starts and the provider sends the browser back to, under the base path. */
    static final String PATH = "/login/oidc";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OidcSignIn() {
    }

    static boolean enabled(AdminOptions o) {
        return !o.oidcIssuer.isEmpty();
    }

    /** What is wrong with the --oidc-* flags, as a message for the command line. */
    static Optional<String> problem(AdminOptions o) {
        boolean anyFlag = !o.oidcClientId.isEmpty() || !o.oidcClientSecret.isEmpty() || !o.oidcClientSecretFile.isEmpty()
                || !o.oidcScopes.isEmpty() || !o.oidcAdminGroups.isEmpty() || !o.oidcRedirectUrl.isEmpty();
        if (!enabled(o)) {
            return anyFlag ? Optional.of("--oidc-issuer is required with the other --oidc-* flags") : Optional.empty();
        }
        if (!isHttpUrl(o.oidcIssuer)) {
            return Optional.of("--oidc-issuer must be an http(s) URL, got " + o.oidcIssuer);
        }
        if (o.oidcClientId.isEmpty()) {
            return Optional.of("--oidc-client-id is required with --oidc-issuer");
        }
        if (o.oidcClientSecret.isEmpty() == o.oidcClientSecretFile.isEmpty()) {
            return Optional.of("--oidc-issuer needs one of --oidc-client-secret or --oidc-client-secret-file");
        }
        if (!o.oidcClientSecretFile.isEmpty()) {
            try {
                clientSecret(o);
            } catch (UncheckedIOException e) {
                return Optional.of("--oidc-client-secret-file: cannot read " + o.oidcClientSecretFile
                        + (e.getCause() instanceof NoSuchFileException ? " (no such file)" : ": " + e.getCause().getMessage()));
            }
        }
        if (o.oidcRolesClaim.isBlank()) {
            return Optional.of("--oidc-roles-claim must name a claim");
        }
        if (!o.oidcRedirectUrl.isEmpty()) {
            if (!isHttpUrl(o.oidcRedirectUrl)) {
                return Optional.of("--oidc-redirect-url must be an http(s) URL, got " + o.oidcRedirectUrl);
            }
            String want = o.prefix() + PATH;
            if (!URI.create(o.oidcRedirectUrl).getPath().equals(want)) {
                return Optional.of("--oidc-redirect-url must end with " + want + " (where nsqadmin completes the sign-in)");
            }
        }
        return Optional.empty();
    }

    /**
     * The Quarkus configuration that turns the OIDC tenant on (application.properties keeps it off): a web-app on
     * this issuer, challenged only on {@link #PATH}. Empty without --oidc-issuer.
     */
    static Map<String, String> quarkusConfig(AdminOptions o) {
        Map<String, String> c = new LinkedHashMap<>();
        if (!enabled(o)) {
            return c;
        }
        String path = o.prefix() + PATH;
        c.put("quarkus.oidc.tenant-enabled", "true");
        c.put("quarkus.oidc.application-type", "web-app");
        c.put("quarkus.oidc.auth-server-url", o.oidcIssuer);
        c.put("quarkus.oidc.client-id", o.oidcClientId);
        c.put("quarkus.oidc.credentials.secret", clientSecret(o));
        Set<String> scopes = new LinkedHashSet<>(List.of("profile", "email"));
        o.oidcScopes.forEach(s -> scopes.addAll(List.of(s.split("[,\\s]+"))));
        scopes.remove("openid"); // Quarkus always asks for it
        scopes.remove("");
        c.put("quarkus.oidc.authentication.scopes", String.join(",", scopes));
        c.put("quarkus.oidc.authentication.redirect-path", path);
        // the provider's own refusals (error=access_denied ...) come back to the sign-in page, which shows them
        c.put("quarkus.oidc.authentication.error-path", o.prefix() + "/login");
        c.put("quarkus.oidc.authentication.cookie-path", o.prefix().isEmpty() ? "/" : o.prefix());
        // PKCE (the code is useless to whoever intercepts it) and a nonce in the ID token (it answers this sign-in)
        c.put("quarkus.oidc.authentication.pkce-required", "true");
        c.put("quarkus.oidc.authentication.nonce-required", "true");
        // Quarkus' state and token cookies live for one sign-in only (SignIn drops the token cookie): keys of this
        // process's own will do, and a short client secret is not used as one
        c.put("quarkus.oidc.authentication.state-secret", randomKey());
        c.put("quarkus.oidc.token-state-manager.encryption-secret", randomKey());
        if (o.oidcRedirectUrl.startsWith("https:")) {
            c.put("quarkus.oidc.authentication.force-redirect-https-scheme", "true");
        }
        c.put("quarkus.http.auth.permission.nsqadmin-oidc.paths", path);
        c.put("quarkus.http.auth.permission.nsqadmin-oidc.policy", "authenticated");
        return c;
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static String clientSecret(AdminOptions o) {
        if (!o.oidcClientSecret.isEmpty()) {
            return o.oidcClientSecret;
        }
        try {
            String secret = Files.readString(Path.of(o.oidcClientSecretFile), StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new IOException("it is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI u = URI.create(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A signed-in OIDC user: the name nsqadmin shows and audits, and the role. */
    record Identity(String name, Users.Role role, List<String> groups) {
    }

    /**
     * The user an ID token names; the token was verified by Quarkus OIDC (signature, issuer, audience, expiry). The
     * access token (null, opaque or a JWT) is read for the roles claim only when the ID token has none.
     *
     * @throws IllegalArgumentException when the token names nobody
     */
    static Identity identity(String rawIdToken, String rawAccessToken, String rolesClaim, List<String> adminGroups) {
        JsonNode claims = claims(rawIdToken).orElseThrow(() -> new IllegalArgumentException("the ID token cannot be read"));
        String name = null;
        for (String claim : List.of("preferred_username", "email", "sub")) {
            if (claims.path(claim).isTextual() && !claims.path(claim).asText().isBlank()) {
                name = claims.path(claim).asText();
                break;
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("the ID token has no preferred_username, email or sub");
        }
        JsonNode values = claim(claims, rolesClaim);
        if (values.isMissingNode() && rawAccessToken != null) {
            values = claims(rawAccessToken).map(access -> claim(access, rolesClaim)).orElse(values);
        }
        List<String> groups = new ArrayList<>();
        if (values.isArray()) {
            values.forEach(v -> groups.add(v.asText()));
        } else if (values.isTextual()) {
            groups.addAll(List.of(values.asText().split("[,\\s]+")));
        }
        boolean admin = groups.stream().anyMatch(adminGroups::contains);
        return new Identity(name, admin ? Users.Role.ADMIN : Users.Role.VIEWER, groups);
    }

    /** The claims of a JWT; empty when it is not one. */
    private static Optional<JsonNode> claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.isObject() ? Optional.of(claims) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The value at a claim path ({@code realm_access/roles}); a missing node when it is not there. */
    private static JsonNode claim(JsonNode claims, String path) {
        JsonNode value = claims;
        for (String step : path.split("/")) {
            value = value.path(step);
        }
        return value;
    }
}
