package io.jnsq.admin;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.ListenAddress;
import io.jnsq.cli.NsqVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** nsqadmin's command-line flags, with nsqadmin's names and defaults. */
@Command(name = "nsqadmin", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "jnsq nsqadmin: the NSQ web console and its JSON API (NSQ v1.3.0's).")
public class AdminOptions implements GoFlags.Validating {

    @Option(names = "--log-level", defaultValue = "info", description = "set log verbosity: debug, info, warn, error, or fatal")
    public String logLevel;
    @Option(names = "--log-prefix", defaultValue = "[nsqadmin] ", description = "log message prefix")
    public String logPrefix;
    @Option(names = "--http-address", defaultValue = "0.0.0.0:4171", description = "<addr>:<port> to listen on for HTTP clients")
    public String httpAddress;
    @Option(names = "--base-path", defaultValue = "/", description = "URL base path")
    public String basePath;
    @Option(names = "--lookupd-http-address", paramLabel = "<addr>", description = "lookupd HTTP address (may be given multiple times)")
    public List<String> lookupdHttpAddresses = new ArrayList<>();
    @Option(names = "--nsqd-http-address", paramLabel = "<addr>", description = "nsqd HTTP address (may be given multiple times)")
    public List<String> nsqdHttpAddresses = new ArrayList<>();
    @Option(names = "--notification-http-endpoint", defaultValue = "", description = "HTTP endpoint (fully qualified) to which POST notifications of admin actions will be sent")
    public String notificationHttpEndpoint;
    @Option(names = "--admin-user", paramLabel = "<user>", description = "admin user (may be given multiple times; if specified, only these users will be able to perform privileged actions)")
    public List<String> adminUsers = new ArrayList<>();
    @Option(names = "--acl-http-header", defaultValue = "X-Forwarded-User", description = "HTTP header to check for authenticated admin users")
    public String aclHttpHeader;
    @Option(names = "--allow-config-from-cidr", defaultValue = "127.0.0.1/8", description = "A CIDR from which to allow HTTP requests to the /config endpoint")
    public String allowConfigFromCidr;
    @Option(names = "--http-client-connect-timeout", defaultValue = "2s", description = "timeout for HTTP connect")
    public Duration httpClientConnectTimeout;
    @Option(names = "--http-client-request-timeout", defaultValue = "5s", description = "timeout for HTTP request")
    public Duration httpClientRequestTimeout;
    @Option(names = "--http-client-tls-insecure-skip-verify", description = "configure the HTTP client to skip verification of TLS certificates")
    public boolean httpClientTlsInsecureSkipVerify;
    @Option(names = "--http-client-tls-root-ca-file", defaultValue = "", description = "path to CA file for the HTTP client")
    public String httpClientTlsRootCaFile;
    @Option(names = "--http-client-tls-cert", defaultValue = "", description = "path to certificate file for the HTTP client")
    public String httpClientTlsCert;
    @Option(names = "--http-client-tls-key", defaultValue = "", description = "path to key file for the HTTP client")
    public String httpClientTlsKey;
    @Option(names = "--users-file", defaultValue = "", description = "sign-in: file of 'name:bcrypt-hash:role' lines (role admin or viewer); replaces --admin-user/--acl-http-header")
    public String usersFile;
    @Option(names = "--session-timeout", defaultValue = "12h", description = "sign-in: how long a session lasts without use")
    public Duration sessionTimeout;
    @Option(names = "--oidc-issuer", paramLabel = "<url>", defaultValue = "", description = "sign-in with OpenID Connect: the provider's issuer URL (its /.well-known/openid-configuration is read), e.g. https://keycloak.example.com/realms/ops or https://dex.example.com/dex")
    public String oidcIssuer;
    @Option(names = "--oidc-client-id", paramLabel = "<id>", defaultValue = "", description = "OIDC: the client ID registered at the provider")
    public String oidcClientId;
    @Option(names = "--oidc-client-secret", paramLabel = "<secret>", defaultValue = "", description = "OIDC: the client secret (visible in ps: prefer --oidc-client-secret-file)")
    public String oidcClientSecret;
    @Option(names = "--oidc-client-secret-file", paramLabel = "<file>", defaultValue = "", description = "OIDC: file holding the client secret")
    public String oidcClientSecretFile;
    @Option(names = "--oidc-scope", paramLabel = "<scope>", description = "OIDC: scope to ask for besides openid, profile and email (may be given multiple times; Dex needs groups)")
    public List<String> oidcScopes = new ArrayList<>();
    @Option(names = "--oidc-roles-claim", paramLabel = "<claim>", defaultValue = "groups", description = "OIDC: ID token claim listing the user's groups or roles (a path like realm_access/roles reaches into objects)")
    public String oidcRolesClaim;
    @Option(names = "--oidc-admin-group", paramLabel = "<group>", description = "OIDC: a value of --oidc-roles-claim that makes the user an admin (may be given multiple times); everyone else signed in is a viewer")
    public List<String> oidcAdminGroups = new ArrayList<>();
    @Option(names = "--oidc-redirect-url", paramLabel = "<url>", defaultValue = "", description = "OIDC: the URL the provider sends browsers back to, when nsqadmin is reached through a proxy (default: how the browser reached nsqadmin + <base-path>/login/oidc)")
    public String oidcRedirectUrl;
    @Option(names = "--graphite-url", defaultValue = "", description = "accepted for compatibility; rates are computed from /stats instead")
    public String graphiteUrl;
    @Option(names = "--prometheus-url", defaultValue = "", description = "URL of a Prometheus that scrapes the nsqds' /metrics (e.g. http://prometheus:9090): topic and channel graphs of the last hour come from it")
    public String prometheusUrl;

    @Override
    public Optional<String> validate() {
        if (nsqdHttpAddresses.isEmpty() && lookupdHttpAddresses.isEmpty()) {
            return Optional.of("--nsqd-http-address or --lookupd-http-address required");
        }
        if (!nsqdHttpAddresses.isEmpty() && !lookupdHttpAddresses.isEmpty()) {
            return Optional.of("use --nsqd-http-address or --lookupd-http-address not both");
        }
        for (String a : concat(nsqdHttpAddresses, lookupdHttpAddresses)) {
            if (a.startsWith("http")) {
                return Optional.of("address " + a + " should not contain scheme");
            }
        }
        if (!httpClientTlsCert.isEmpty() && httpClientTlsKey.isEmpty()) {
            return Optional.of("--http-client-tls-key must be specified with --http-client-tls-cert");
        }
        if (!httpClientTlsKey.isEmpty() && httpClientTlsCert.isEmpty()) {
            return Optional.of("--http-client-tls-cert must be specified with --http-client-tls-key");
        }
        if (!usersFile.isEmpty()) {
            try {
                Users.read(java.nio.file.Path.of(usersFile));
            } catch (java.io.IOException e) {
                return Optional.of("--users-file: " + e.getMessage());
            }
        }
        if (!prometheusUrl.isEmpty() && !prometheusUrl.matches("https?://[^/\\s]+(/\\S*)?")) {
            return Optional.of("--prometheus-url must be an http(s) URL, got " + prometheusUrl);
        }
        if (prometheusUrl.endsWith("/")) {
            prometheusUrl = prometheusUrl.substring(0, prometheusUrl.length() - 1);
        }
        try {
            ListenAddress.port("--http-address", httpAddress);
            Cidr.parse(allowConfigFromCidr);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (!basePath.startsWith("/")) {
            basePath = "/" + basePath;
        }
        if (basePath.length() > 1 && basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        return OidcSignIn.problem(this);
    }

    /** The base path as a prefix for routes and links: "" for "/". */
    public String prefix() {
        return basePath.equals("/") ? "" : basePath;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
