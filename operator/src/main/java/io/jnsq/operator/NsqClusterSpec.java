package io.jnsq.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import io.jnsq.operator.model.Images;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a user asks for in an NsqCluster. Defaults make {@code spec: {}} a 3 + 3 cluster with an nsqadmin. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NsqClusterSpec {

    @JsonPropertyDescription("jnsq version: the image tag of every component (default: the operator's own version)")
    public String version;

    @JsonPropertyDescription("image registry and prefix; images are <image>-nsqd, <image>-nsqlookupd, <image>-nsqadmin")
    @Default(Images.DEFAULT_PREFIX)
    public String image = Images.DEFAULT_PREFIX;

    public LookupdSpec lookupd = new LookupdSpec();
    public NsqdSpec nsqd = new NsqdSpec();
    public AdminSpec admin = new AdminSpec();

    @JsonPropertyDescription("TLS for nsqd's TCP protocol and HTTPS (and nsqadmin's HTTPS client); off when absent")
    public TlsSpec tls;

    @JsonPropertyDescription("authorization of nsqd's clients by NSQ auth servers; off when absent")
    public AuthSpec auth;

    @JsonPropertyDescription("pod template overrides applied to every component's pods")
    public PodTemplateOverrides template = new PodTemplateOverrides();

    @JsonPropertyDescription("Prometheus Operator objects for the cluster (made only where its CRDs are installed)")
    public MonitoringSpec monitoring = new MonitoringSpec();

    @JsonPropertyDescription("NetworkPolicies that admit only the traffic an NSQ cluster needs (off unless enabled)")
    public NetworkPoliciesSpec networkPolicies = new NetworkPoliciesSpec();

    /** nsqlookupd: a StatefulSet behind a headless Service (stable per-pod DNS names). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class LookupdSpec {
        @Min(1)
        @Max(9)
        @Default("3")
        public int replicas = 3;
        public ResourceRequirements resources;
        @JsonPropertyDescription("extra nsqlookupd flags (name without dashes -> value), e.g. tombstone-lifetime: 60s")
        public Map<String, String> config = new LinkedHashMap<>();
    }

    /** nsqd: a StatefulSet with a volume per pod, each advertising its stable DNS name. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NsqdSpec {
        @SpecReplicas
        @Min(0)
        @Default("3")
        public int replicas = 3;
        public StorageSpec storage = new StorageSpec();
        public ResourceRequirements resources;
        @JsonPropertyDescription("extra nsqd flags (name without dashes -> value), e.g. mem-queue-size: \"20000\"")
        public Map<String, String> config = new LinkedHashMap<>();
        @JsonPropertyDescription("how long a scale-down waits for a broker to drain before it is given up (seconds)")
        @Min(10)
        @Default("600")
        public int drainTimeoutSeconds = 600;
        @JsonPropertyDescription("scale down without draining the leaving brokers (their messages are lost unless "
                + "their volumes are kept); for a drain that cannot finish")
        @Default("false")
        public boolean forceScaleDown;
        @JsonPropertyDescription("seconds a stopping nsqd gets to flush memory to disk before it is killed")
        @Min(10)
        @Default("120")
        public int terminationGracePeriodSeconds = 120;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class StorageSpec {
        @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
        @Default("10Gi")
        public String size = "10Gi";
        public String storageClassName;
        @JsonPropertyDescription("delete a broker's volume claim when the cluster is scaled down (default: keep it)")
        @Default("false")
        public boolean deleteClaimsOnScaleDown;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AdminSpec {
        @Default("true")
        public boolean enabled = true;
        @Min(0)
        @Default("1")
        public int replicas = 1;
        @Pattern("^(ClusterIP|NodePort|LoadBalancer)$")
        @Default("ClusterIP")
        public String serviceType = "ClusterIP";
        public ResourceRequirements resources;
        @JsonPropertyDescription("sign-in to nsqadmin: a users file, OpenID Connect, or both; without it nsqadmin lets "
                + "anyone who reaches it act")
        public AdminAuthSpec auth;
    }

    /** nsqadmin's sign-in: its users file and/or an OpenID Connect provider; the Secrets are mounted as files. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AdminAuthSpec {
        @JsonPropertyDescription("Secret key holding nsqadmin's users file (name:bcrypt-hash:role lines, role admin or "
                + "viewer), mounted read-only: --users-file. Label the Secret jnsq.io/cluster=<cluster>: a change rolls nsqadmin")
        public SecretKeyRef usersSecret;
        @JsonPropertyDescription("sign-in with an OpenID Connect provider (Keycloak, Dex, Google ...): the --oidc-* flags")
        public OidcSpec oidc;
    }

    /** A key of a Secret in the cluster's namespace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecretKeyRef {
        @io.fabric8.generator.annotation.Required
        public String name;
        @io.fabric8.generator.annotation.Required
        public String key;
    }

    /** nsqadmin's OIDC flags; the client secret only ever reaches nsqadmin as a mounted file. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class OidcSpec {
        @JsonPropertyDescription("the provider's issuer URL (--oidc-issuer), e.g. https://keycloak.example.com/realms/ops")
        @io.fabric8.generator.annotation.Required
        public String issuer;
        @JsonPropertyDescription("the client ID registered at the provider (--oidc-client-id)")
        @io.fabric8.generator.annotation.Required
        public String clientId;
        @JsonPropertyDescription("Secret key holding the client secret, mounted read-only: --oidc-client-secret-file. Label "
                + "the Secret jnsq.io/cluster=<cluster>: a change rolls nsqadmin")
        @io.fabric8.generator.annotation.Required
        public SecretKeyRef clientSecretRef;
        @JsonPropertyDescription("the claim listing the user's groups or roles (--oidc-roles-claim; nsqadmin's default: groups)")
        public String rolesClaim;
        @JsonPropertyDescription("values of the roles claim that make a user an admin (--oidc-admin-group); everyone else is a viewer")
        public List<String> adminGroups = new ArrayList<>();
        @JsonPropertyDescription("scopes to ask for besides openid, profile and email (--oidc-scope; Dex needs groups)")
        public List<String> scopes = new ArrayList<>();
        @JsonPropertyDescription("the URL the provider sends browsers back to, ending in /login/oidc, when nsqadmin is "
                + "reached through an Ingress or proxy (--oidc-redirect-url)")
        public String redirectUrl;
    }

    /** Prometheus: a ServiceMonitor for the /metrics of every nsqd and nsqlookupd, and alert rules on them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class MonitoringSpec {
        @JsonPropertyDescription("create a ServiceMonitor so that Prometheus scrapes /metrics of every nsqd and nsqlookupd "
                + "(where the Prometheus Operator's CRDs are installed)")
        @Default("false")
        public boolean serviceMonitor;
        @JsonPropertyDescription("create a PrometheusRule with jnsq's alerts on this cluster's own series (namespace and the "
                + "ServiceMonitor's jobs: the headless Services of nsqd and nsqlookupd), where the Prometheus Operator's CRDs are installed")
        @Default("false")
        public boolean prometheusRule;
        @JsonPropertyDescription("how often Prometheus scrapes")
        @Pattern("^[0-9]+(ms|s|m|h)$")
        @Default("30s")
        public String interval = "30s";
        @JsonPropertyDescription("labels of the ServiceMonitor and the PrometheusRule: the ones your Prometheus selects by (kube-prometheus-stack: "
                + "release: <its release name>)")
        public Map<String, String> labels = new LinkedHashMap<>();
    }

    /**
     * nsqd's TLS, from one of three sources: a Secret the user names (cert-manager's layout: tls.crt, tls.key, ca.crt),
     * a CA and certificate the operator generates and rotates itself, or a cert-manager Certificate it asks for.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TlsSpec {
        @JsonPropertyDescription("Secret with tls.crt, tls.key and ca.crt (a cert-manager Certificate's Secret fits); "
                + "the certificate must name the brokers' DNS names. One of secretName, generate, certManager")
        public String secretName;
        @JsonPropertyDescription("the operator makes a CA of its own (Secret <cluster>-ca-key, never read by clients), "
                + "signs the server certificate (Secret <cluster>-tls) with it, renews both before they expire and publishes "
                + "the CA for clients (Secret <cluster>-ca, key ca.crt). generate: {} takes the defaults")
        public GeneratedTlsSpec generate;
        @JsonPropertyDescription("a cert-manager Certificate for the cluster's DNS names, issued by the named Issuer or "
                + "ClusterIssuer (where cert-manager's CRDs are installed)")
        public CertManagerSpec certManager;
        @JsonPropertyDescription("nsqd --tls-required: tcp-https (TLS before any TCP command; HTTP stays open for probes "
                + "and the operator) or false (TLS offered, not required)")
        @Pattern("^(tcp-https|false)$")
        @Default("tcp-https")
        public String required = "tcp-https";
        @JsonPropertyDescription("nsqd --tls-client-auth-policy: require (any client certificate) or require-verify "
                + "(one signed by ca.crt); none asked when absent")
        @Pattern("^(require|require-verify)$")
        public String clientAuthPolicy;
        @JsonPropertyDescription("nsqd --tls-min-version")
        @Pattern("^(tls1\\.0|tls1\\.1|tls1\\.2|tls1\\.3)$")
        @Default("tls1.2")
        public String minVersion = "tls1.2";
    }

    /** How the operator's own CA and the server certificate it signs live and are renewed (Go durations). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class GeneratedTlsSpec {
        static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

        @JsonPropertyDescription("how long the CA is valid (default 10 years)")
        @Pattern(DURATION)
        @Default("87600h")
        public String caValidity = "87600h";
        @JsonPropertyDescription("a new CA is made this long before the old one expires (default: a third of caValidity)")
        @Pattern(DURATION)
        public String caRenewBefore;
        @JsonPropertyDescription("how long the old and the new CA are both published before the server certificate is "
                + "signed by the new one: the time clients have to read the new ca.crt")
        @Pattern(DURATION)
        @Default("24h")
        public String caOverlap = "24h";
        @JsonPropertyDescription("how long a server certificate is valid (default 90 days)")
        @Pattern(DURATION)
        @Default("2160h")
        public String validity = "2160h";
        @JsonPropertyDescription("the server certificate is re-issued this long before it expires (default: a third of "
                + "validity); the brokers then restart one at a time")
        @Pattern(DURATION)
        public String renewBefore;
    }

    /** A cert-manager Certificate the operator writes for the cluster. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CertManagerSpec {
        @JsonPropertyDescription("the Issuer (in the cluster's namespace) or ClusterIssuer that signs the certificate")
        @io.fabric8.generator.annotation.Required
        public IssuerRef issuerRef;
        @JsonPropertyDescription("the certificate's lifetime (cert-manager's duration; its default when absent)")
        @Pattern(GeneratedTlsSpec.DURATION)
        public String duration;
        @JsonPropertyDescription("cert-manager renews this long before expiry (cert-manager's default when absent)")
        @Pattern(GeneratedTlsSpec.DURATION)
        public String renewBefore;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IssuerRef {
        @io.fabric8.generator.annotation.Required
        public String name;
        @JsonPropertyDescription("Issuer or ClusterIssuer")
        @Pattern("^(Issuer|ClusterIssuer)$")
        @Default("Issuer")
        public String kind = "Issuer";
        @Default("cert-manager.io")
        public String group = "cert-manager.io";
    }

    /** NSQ auth servers (nsqd --auth-http-address): given by address, or an nsq_authd the operator runs. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class AuthSpec {
        @JsonPropertyDescription("auth server addresses: host:port or full URLs (http or https)")
        public List<String> httpAddresses = new ArrayList<>();
        @JsonPropertyDescription("an nsq_authd the operator runs (Deployment and Service <cluster>-authd) from a Secret of "
                + "identities and permissions; every nsqd asks it")
        public AuthServerSpec server;
    }

    /** nsq_authd, answering from the JSON file in a user's Secret (re-read when the Secret changes). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AuthServerSpec {
        @JsonPropertyDescription("Secret holding nsq_authd's JSON file of identities, secrets and permissions")
        @io.fabric8.generator.annotation.Required
        public String secretName;
        @JsonPropertyDescription("the key of the file in the Secret")
        @Default("auth.json")
        public String key = "auth.json";
        @Min(1)
        @Default("2")
        public int replicas = 2;
        @JsonPropertyDescription("seconds nsqd may keep an answer before asking again (nsq_authd --ttl; the file's ttl wins)")
        @Min(1)
        @Default("3600")
        public int ttl = 3600;
        public ResourceRequirements resources;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class PodTemplateOverrides {
        public Affinity affinity;
        public List<Toleration> tolerations = new ArrayList<>();
        public List<TopologySpreadConstraint> topologySpreadConstraints = new ArrayList<>();
        public String priorityClassName;
        public Map<String, String> annotations = new LinkedHashMap<>();
        public Map<String, String> labels = new LinkedHashMap<>();
    }

    /**
     * Ingress NetworkPolicies on every component's pods. Off by default: switched on, they cut off every client the
     * operator cannot know about (other namespaces, outside the cluster), so a user turns them on after naming them.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class NetworkPoliciesSpec {
        @JsonPropertyDescription("create the NetworkPolicies (false deletes them)")
        @Default("false")
        public boolean enabled;
        @JsonPropertyDescription("who may publish and consume: nsqd's TCP and HTTP (and HTTPS) ports and nsqlookupd's HTTP "
                + "port (default: every pod in the cluster's namespace)")
        public List<NetworkPolicyPeer> clients = new ArrayList<>();
        @JsonPropertyDescription("who may open nsqadmin on its HTTP port (default: every pod in the cluster's namespace)")
        public List<NetworkPolicyPeer> adminClients = new ArrayList<>();
    }
}
