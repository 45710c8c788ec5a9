package io.jnsq.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jnsq.cli.GoFlags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OidcSignInTest {

    @TempDir
    Path tmp;

    private static AdminOptions parsed(String... flags) {
        String[] all = new String[flags.length + 1];
        all[0] = "--nsqd-http-address=127.0.0.1:4151";
        System.arraycopy(flags, 0, all, 1, flags.length);
        AdminOptions o = new AdminOptions();
        assertThat(GoFlags.parse(o, all).shouldRun()).isTrue();
        return o;
    }

    private static String problem(String... flags) {
        String[] all = new String[flags.length + 1];
        all[0] = "--nsqd-http-address=127.0.0.1:4151";
        System.arraycopy(flags, 0, all, 1, flags.length);
        AdminOptions o = new AdminOptions();
        GoFlags.commandLine(o).parseArgs(all);
        return o.validate().orElse("");
    }

    private static String token(String claimsJson) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8)) + ".signature";
    }

    @Test
    void withoutOidcFlagsQuarkusOidcStaysOff() {
        assertThat(OidcSignIn.quarkusConfig(parsed())).isEmpty();
        assertThat(problem()).isEmpty();
    }

    @Test
    void theFlagsMustMakeAUsableClient() throws Exception {
        assertThat(problem("--oidc-client-id=x")).isEqualTo("--oidc-issuer is required with the other --oidc-* flags");
        assertThat(problem("--oidc-issuer=keycloak", "--oidc-client-id=x", "--oidc-client-secret=s"))
                .isEqualTo("--oidc-issuer must be an http(s) URL, got keycloak");
        assertThat(problem("--oidc-issuer=https://idp.example.com", "--oidc-client-secret=s"))
                .isEqualTo("--oidc-client-id is required with --oidc-issuer");
        assertThat(problem("--oidc-issuer=https://idp.example.com", "--oidc-client-id=x"))
                .isEqualTo("--oidc-issuer needs one of --oidc-client-secret or --oidc-client-secret-file");
        assertThat(problem("--oidc-issuer=https://idp.example.com", "--oidc-client-id=x",
                "--oidc-client-secret-file=" + tmp.resolve("missing"))).startsWith("--oidc-client-secret-file: ");
        assertThat(problem("--oidc-issuer=https://idp.example.com", "--oidc-client-id=x", "--oidc-client-secret=s",
                "--base-path=/admin", "--oidc-redirect-url=https://admin.example.com/login/oidc"))
                .isEqualTo("--oidc-redirect-url must end with /admin/login/oidc (where nsqadmin completes the sign-in)");
        Path secret = Files.writeString(tmp.resolve("secret"), "from-a-file\n");
        assertThat(problem("--oidc-issuer=https://idp.example.com", "--oidc-client-id=x",
                "--oidc-client-secret-file=" + secret)).isEmpty();
    }

    @Test
    void theFlagsTurnOnAWebAppTenantChallengedOnlyOnItsPath() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "from-a-file\n");
        Map<String, String> c = OidcSignIn.quarkusConfig(parsed("--base-path=/admin/", "--oidc-issuer=https://dex.example.com/dex",
                "--oidc-client-id=nsqadmin", "--oidc-client-secret-file=" + secret, "--oidc-scope=groups",
                "--oidc-redirect-url=https://admin.example.com/admin/login/oidc"));
        assertThat(c).containsEntry("quarkus.oidc.tenant-enabled", "true")
                .containsEntry("quarkus.oidc.application-type", "web-app")
                .containsEntry("quarkus.oidc.auth-server-url", "https://dex.example.com/dex")
                .containsEntry("quarkus.oidc.client-id", "nsqadmin")
                .containsEntry("quarkus.oidc.credentials.secret", "from-a-file")
                .containsEntry("quarkus.oidc.authentication.scopes", "profile,email,groups")
                .containsEntry("quarkus.oidc.authentication.redirect-path", "/admin/login/oidc")
                .containsEntry("quarkus.oidc.authentication.force-redirect-https-scheme", "true")
                .containsEntry("quarkus.oidc.authentication.pkce-required", "true")
                .containsEntry("quarkus.oidc.authentication.nonce-required", "true")
                .containsEntry("quarkus.http.auth.permission.nsqadmin-oidc.paths", "/admin/login/oidc")
                .containsEntry("quarkus.http.auth.permission.nsqadmin-oidc.policy", "authenticated");
    }

    @Test
    void theNameIsThePreferredUsernameElseTheEmailElseTheSubject() {
        List<String> admins = List.of("nsq-admins");
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"email\":\"a@x\",\"preferred_username\":\"alice\"}"), null, "groups", admins)
                .name()).isEqualTo("alice");
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"email\":\"a@x\"}"), null, "groups", admins).name()).isEqualTo("a@x");
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\"}"), null, "groups", admins).name()).isEqualTo("1");
        assertThatThrownBy(() -> OidcSignIn.identity(token("{\"aud\":\"x\"}"), null, "groups", admins))
                .hasMessage("the ID token has no preferred_username, email or sub");
    }

    @Test
    void anAdminGroupInTheRolesClaimMakesAnAdminAndAnythingElseAViewer() {
        List<String> admins = List.of("nsq-admins", "ops");
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"groups\":[\"staff\",\"ops\"]}"), null, "groups", admins).role())
                .isEqualTo(Users.Role.ADMIN);
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"groups\":[\"staff\"]}"), null, "groups", admins).role())
                .isEqualTo(Users.Role.VIEWER);
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\"}"), null, "groups", admins).role()).isEqualTo(Users.Role.VIEWER);
        // Keycloak's realm roles sit in an object
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"realm_access\":{\"roles\":[\"nsq-admins\"]}}"), null,
                "realm_access/roles", admins).role()).isEqualTo(Users.Role.ADMIN);
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"role\":\"ops\"}"), null, "role", admins).role())
                .isEqualTo(Users.Role.ADMIN);
        // not in the ID token: the access token's, when it is a JWT; the ID token's wins when both have it
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\"}"), token("{\"realm_access\":{\"roles\":[\"ops\"]}}"),
                "realm_access/roles", admins).role()).isEqualTo(Users.Role.ADMIN);
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"groups\":[]}"), token("{\"groups\":[\"ops\"]}"), "groups",
                admins).role()).isEqualTo(Users.Role.VIEWER);
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\"}"), "an-opaque-access-token", "groups", admins).role())
                .isEqualTo(Users.Role.VIEWER);
        // no --oidc-admin-group: everyone is a viewer
        assertThat(OidcSignIn.identity(token("{\"sub\":\"1\",\"groups\":[\"ops\"]}"), null, "groups", List.of()).role())
                .isEqualTo(Users.Role.VIEWER);
    }
}
