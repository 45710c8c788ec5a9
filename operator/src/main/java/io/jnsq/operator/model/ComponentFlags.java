package io.jnsq.operator.model;

import io.jnsq.operator.NsqClusterSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The command lines of nsqd and nsqlookupd as the operator builds them: the flags it owns (addresses, data path,
 * lookupd peers) and the user's {@code config} map, checked first: an unknown flag or one the operator owns is refused
 * with a message for the status, rather than a crash-looping pod.
 */
public final class ComponentFlags {

    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]*$");

    /** nsqd flags a user may set through {@code spec.nsqd.config}. */
    static final Set<String> NSQD_FLAGS = Set.of("auth-http-address", "auth-http-request-method", "broadcast-http-port",
            "broadcast-tcp-port", "deflate", "e2e-processing-latency-percentile", "e2e-processing-latency-window-time",
            "http-client-connect-timeout", "http-client-request-timeout", "log-level", "log-prefix", "max-body-size",
            "max-bytes-per-file", "max-channel-consumers", "max-deflate-level", "max-heartbeat-interval", "max-msg-size",
            "max-msg-timeout", "max-output-buffer-size", "max-output-buffer-timeout", "max-rdy-count", "max-req-timeout",
            "mem-queue-size", "min-output-buffer-timeout", "msg-timeout", "node-id", "output-buffer-timeout",
            "queue-scan-dirty-percent", "queue-scan-interval", "queue-scan-refresh-interval", "queue-scan-selection-count",
            "queue-scan-worker-pool-max", "snappy", "statsd-address", "statsd-exclude-ephemeral", "statsd-interval",
            "statsd-mem-stats", "statsd-prefix", "statsd-udp-packet-size", "sync-every", "sync-timeout");
    /** nsqd flags the operator sets itself. */
    static final Set<String> NSQD_OWNED = Set.of("tcp-address", "http-address", "https-address", "broadcast-address",
            "lookupd-tcp-address", "data-path", "config", "tls-cert", "tls-key", "tls-root-ca-file", "tls-required",
            "tls-client-auth-policy", "tls-min-version");
    /** Where nsq_authd finds spec.auth.server's Secret. */
    public static final String AUTHD_DIR = "/etc/jnsq-authd";
    /** Where a pod finds spec.tls's Secret. */
    public static final String TLS_DIR = "/etc/jnsq-tls";
    /** Where nsqadmin finds spec.admin.auth.usersSecret's key. */
    public static final String ADMIN_USERS_DIR = "/etc/jnsq-admin-users";
    /** Where nsqadmin finds spec.admin.auth.oidc.clientSecretRef's key. */
    public static final String ADMIN_OIDC_DIR = "/etc/jnsq-admin-oidc";
    private static final Pattern SECRET_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    private static final Pattern SECRET_KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");
    private static final Pattern URL = Pattern.compile("^https?://[^\\s/?#]+(/[^\\s?#]*)?$");
    private static final Pattern ONE_WORD = Pattern.compile("^[^\\s\"'#\\\\]+$");
    static final Set<String> LOOKUPD_FLAGS = Set.of("inactive-producer-timeout", "tombstone-lifetime", "log-level", "log-prefix");
    static final Set<String> LOOKUPD_OWNED = Set.of("tcp-address", "http-address", "broadcast-address", "config");

    private ComponentFlags() {
    }

    /** What is wrong with the spec's flags, or empty. */
    public static Optional<String> problem(NsqClusterSpec spec) {
        if (spec.tls != null) {
            Optional<String> tls = tlsProblem(spec.tls);
            if (tls.isPresent()) {
                return tls;
            }
        }
        if (spec.auth != null && spec.auth.server != null && (spec.auth.server.secretName == null || spec.auth.server.secretName.isBlank()
                || spec.auth.server.key == null || !spec.auth.server.key.matches("[-._a-zA-Z0-9]+"))) {
            return Optional.of("spec.auth.server: secretName and key name the Secret and the key of nsq_authd's JSON file");
        }
        if (spec.auth != null && (!spec.auth.httpAddresses.isEmpty() || spec.auth.server != null) && spec.nsqd.config != null
                && spec.nsqd.config.containsKey("auth-http-address")) {
            return Optional.of("spec.nsqd.config.auth-http-address: use spec.auth.httpAddresses or spec.auth.server");
        }
        if (spec.admin.auth != null) {
            Optional<String> admin = adminAuthProblem(spec.admin.auth);
            if (admin.isPresent()) {
                return admin;
            }
        }
        return check("nsqd", spec.nsqd.config, NSQD_FLAGS, NSQD_OWNED)
                .or(() -> check("lookupd", spec.lookupd.config, LOOKUPD_FLAGS, LOOKUPD_OWNED));
    }

    private static Optional<String> adminAuthProblem(NsqClusterSpec.AdminAuthSpec auth) {
        if (auth.usersSecret == null && auth.oidc == null) {
            return Optional.of("spec.admin.auth: name usersSecret, oidc or both (remove auth to run nsqadmin without sign-in)");
        }
        if (auth.usersSecret != null) {
            Optional<String> ref = refProblem("spec.admin.auth.usersSecret", auth.usersSecret);
            if (ref.isPresent()) {
                return ref;
            }
        }
        NsqClusterSpec.OidcSpec oidc = auth.oidc;
        if (oidc == null) {
            return Optional.empty();
        }
        String at = "spec.admin.auth.oidc";
        if (oidc.issuer == null || !URL.matcher(oidc.issuer).matches()) {
            return Optional.of(at + ".issuer: an http(s) URL of the provider is required, got " + oidc.issuer);
        }
        if (oidc.clientId == null || !ONE_WORD.matcher(oidc.clientId).matches()) {
            return Optional.of(at + ".clientId: the client ID registered at the provider is required (one word)");
        }
        if (oidc.clientSecretRef == null) {
            return Optional.of(at + ".clientSecretRef: the Secret key holding the client secret is required");
        }
        Optional<String> ref = refProblem(at + ".clientSecretRef", oidc.clientSecretRef);
        if (ref.isPresent()) {
            return ref;
        }
        if (oidc.rolesClaim != null && !ONE_WORD.matcher(oidc.rolesClaim).matches()) {
            return Optional.of(at + ".rolesClaim: a claim name or path such as realm_access/roles, got " + oidc.rolesClaim);
        }
        for (var list : List.of(Map.entry("adminGroups", oidc.adminGroups), Map.entry("scopes", oidc.scopes))) {
            if (list.getValue() != null && list.getValue().stream().anyMatch(v -> v == null || !ONE_WORD.matcher(v).matches())) {
                return Optional.of(at + "." + list.getKey() + ": one word each, got " + list.getValue());
            }
        }
        if (oidc.redirectUrl != null && !(URL.matcher(oidc.redirectUrl).matches() && oidc.redirectUrl.endsWith("/login/oidc"))) {
            return Optional.of(at + ".redirectUrl: an http(s) URL ending in /login/oidc (where nsqadmin completes the sign-in), got "
                    + oidc.redirectUrl);
        }
        return Optional.empty();
    }

    private static Optional<String> refProblem(String at, NsqClusterSpec.SecretKeyRef ref) {
        if (ref.name == null || !SECRET_NAME.matcher(ref.name).matches()) {
            return Optional.of(at + ".name: the name of a Secret in the cluster's namespace is required, got " + ref.name);
        }
        if (ref.key == null || !SECRET_KEY.matcher(ref.key).matches()) {
            return Optional.of(at + ".key: a key of Secret " + ref.name + " is required (letters, digits, -._), got " + ref.key);
        }
        return Optional.empty();
    }

    private static Optional<String> tlsProblem(NsqClusterSpec.TlsSpec tls) {
        boolean secret = tls.secretName != null && !tls.secretName.isBlank();
        int sources = (secret ? 1 : 0) + (tls.generate != null ? 1 : 0) + (tls.certManager != null ? 1 : 0);
        if (sources == 0) {
            return Optional.of("spec.tls: name where the certificates come from: secretName (a Secret with tls.crt, tls.key and "
                    + "ca.crt), generate or certManager");
        }
        if (sources > 1) {
            return Optional.of("spec.tls: secretName, generate and certManager exclude each other: choose one");
        }
        if (tls.generate != null) {
            try {
                GeneratedTls.Settings.of(tls.generate);
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
        }
        if (tls.certManager != null && (tls.certManager.issuerRef == null || tls.certManager.issuerRef.name == null
                || tls.certManager.issuerRef.name.isBlank())) {
            return Optional.of("spec.tls.certManager.issuerRef.name: the Issuer or ClusterIssuer is required");
        }
        return Optional.empty();
    }

    private static Optional<String> check(String part, Map<String, String> config, Set<String> allowed, Set<String> owned) {
        if (config == null) {
            return Optional.empty();
        }
        for (var e : config.entrySet()) {
            String name = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
            if (owned.contains(name)) {
                return Optional.of("spec." + part + ".config." + e.getKey() + ": the operator sets --" + name + " itself");
            }
            if (!NAME.matcher(name).matches() || !allowed.contains(name)) {
                return Optional.of("spec." + part + ".config." + e.getKey() + ": not a " + (part.equals("nsqd") ? "nsqd" : "nsqlookupd") + " flag");
            }
            if (e.getValue() == null || e.getValue().contains("\n")) {
                return Optional.of("spec." + part + ".config." + e.getKey() + ": needs a one-line value");
            }
        }
        return Optional.empty();
    }

    /** nsqd's flags as its args file holds them; the per-pod broadcast address is on the command line. */
    public static List<String> nsqd(NsqClusterSpec spec, ClusterNames names) {
        List<String> args = new ArrayList<>(List.of(
                "--tcp-address=0.0.0.0:" + ClusterNames.NSQD_TCP,
                "--http-address=0.0.0.0:" + ClusterNames.NSQD_HTTP,
                "--data-path=/data"));
        for (int i = 0; i < spec.lookupd.replicas; i++) {
            args.add("--lookupd-tcp-address=" + names.podHost(ClusterNames.LOOKUPD, i) + ":" + ClusterNames.LOOKUPD_TCP);
        }
        if (spec.tls != null) {
            args.addAll(List.of("--https-address=0.0.0.0:" + ClusterNames.NSQD_HTTPS,
                    "--tls-cert=" + TLS_DIR + "/tls.crt", "--tls-key=" + TLS_DIR + "/tls.key",
                    "--tls-root-ca-file=" + TLS_DIR + "/ca.crt", "--tls-required=" + spec.tls.required,
                    "--tls-min-version=" + spec.tls.minVersion));
            if (spec.tls.clientAuthPolicy != null) {
                args.add("--tls-client-auth-policy=" + spec.tls.clientAuthPolicy);
            }
        }
        if (spec.auth != null) {
            spec.auth.httpAddresses.forEach(a -> args.add("--auth-http-address=" + a));
            if (spec.auth.server != null) {
                args.add("--auth-http-address=" + names.of(ClusterNames.AUTHD) + "." + names.namespace() + ".svc:" + ClusterNames.AUTHD_HTTP);
            }
        }
        userFlags(spec.nsqd.config, args);
        return args;
    }

    /** nsq_authd's flags (spec.auth.server). */
    public static List<String> authd(NsqClusterSpec spec) {
        return List.of("--http-address=0.0.0.0:" + ClusterNames.AUTHD_HTTP, "--auth-file=" + AUTHD_DIR + "/" + spec.auth.server.key,
                "--ttl=" + spec.auth.server.ttl);
    }

    public static List<String> lookupd(NsqClusterSpec spec, ClusterNames names) {
        List<String> args = new ArrayList<>(List.of(
                "--tcp-address=0.0.0.0:" + ClusterNames.LOOKUPD_TCP,
                "--http-address=0.0.0.0:" + ClusterNames.LOOKUPD_HTTP));
        userFlags(spec.lookupd.config, args);
        return args;
    }

    public static List<String> admin(NsqClusterSpec spec, ClusterNames names) {
        List<String> args = new ArrayList<>(List.of("--http-address=0.0.0.0:" + ClusterNames.ADMIN_HTTP));
        for (int i = 0; i < spec.lookupd.replicas; i++) {
            args.add("--lookupd-http-address=" + names.podHost(ClusterNames.LOOKUPD, i) + ":" + ClusterNames.LOOKUPD_HTTP);
        }
        if (spec.tls != null) {
            args.add("--http-client-tls-root-ca-file=" + TLS_DIR + "/ca.crt");
        }
        NsqClusterSpec.AdminAuthSpec auth = spec.admin.auth;
        if (auth != null && auth.usersSecret != null) {
            args.add("--users-file=" + ADMIN_USERS_DIR + "/" + auth.usersSecret.key);
        }
        if (auth != null && auth.oidc != null) {
            NsqClusterSpec.OidcSpec oidc = auth.oidc;
            args.add("--oidc-issuer=" + oidc.issuer);
            args.add("--oidc-client-id=" + oidc.clientId);
            args.add("--oidc-client-secret-file=" + ADMIN_OIDC_DIR + "/" + oidc.clientSecretRef.key);
            if (oidc.rolesClaim != null) {
                args.add("--oidc-roles-claim=" + oidc.rolesClaim);
            }
            if (oidc.adminGroups != null) {
                oidc.adminGroups.forEach(g -> args.add("--oidc-admin-group=" + g));
            }
            if (oidc.scopes != null) {
                oidc.scopes.forEach(g -> args.add("--oidc-scope=" + g));
            }
            if (oidc.redirectUrl != null) {
                args.add("--oidc-redirect-url=" + oidc.redirectUrl);
            }
        }
        return args;
    }

    /** The address a pod advertises: its stable DNS name, from the pod name Kubernetes puts in $(POD_NAME). */
    public static String broadcastAddress(ClusterNames names, String component) {
        return "--broadcast-address=$(POD_NAME)." + names.headless(component) + "." + names.namespace() + ".svc";
    }

    private static void userFlags(Map<String, String> config, List<String> args) {
        if (config != null) {
            new TreeMap<>(config).forEach((k, v) -> args.add("--" + (k.startsWith("--") ? k.substring(2) : k) + "=" + v));
        }
    }

    /**
     * The args file a component reads its flags from ({@code @/etc/jnsq/nsqd.args}, picocli's argument files): one
     * flag a line, quoted where it holds a blank, a quote or a {@code #}.
     */
    public static String argsFile(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            boolean quote = a.isEmpty() || a.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '"' || ch == '\'' || ch == '#' || ch == '\\');
            sb.append(quote ? '"' + a.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : a).append('\n');
        }
        return sb.toString();
    }

    /**
     * A short hash of what a pod runs: its image, flags and, with TLS, the certificate's Secret content (hashed:
     * {@code certificateHash}, null for none). When it changes, the pod template changes and the pods roll.
     */
    public static String hash(String image, String argsFile, String certificateHash) {
        return hash(image, certificateHash == null ? argsFile : argsFile + "\0" + certificateHash);
    }

    private static String hash(String image, String argsFile) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(image.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(argsFile.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The config hash the pod template of {@code component} gets for this spec and certificate (what rolls its pods);
     * nsqlookupd has no TLS, so no certificate in its hash.
     */
    public static String configHash(NsqClusterSpec spec, ClusterNames names, String component, String certificateHash) {
        List<String> flags = switch (component) {
            case ClusterNames.NSQD -> nsqd(spec, names);
            case ClusterNames.LOOKUPD -> lookupd(spec, names);
            case ClusterNames.AUTHD -> authd(spec);
            default -> admin(spec, names);
        };
        return hash(Images.of(spec, component), argsFile(flags), component.equals(ClusterNames.LOOKUPD) ? null : certificateHash);
    }
}
