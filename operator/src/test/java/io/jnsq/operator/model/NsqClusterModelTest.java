package io.jnsq.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The objects an NsqCluster implies, built without any API server and compared whole with golden files
 * (src/test/resources/golden/). After an intended change: {@code ./mvnw -pl operator test -Dtest=NsqClusterModelTest
 * -Dgolden.update=true}, then read the diff.
 */
class NsqClusterModelTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private static NsqCluster cluster(String name, NsqClusterSpec spec) {
        NsqCluster c = new NsqCluster();
        c.getMetadata().setName(name);
        c.getMetadata().setNamespace("prod");
        c.setSpec(spec);
        return c;
    }

    /** Everything the operator applies for a cluster, in the workflow's order. */
    static List<HasMetadata> objects(NsqCluster c) {
        return List.of(FlagsConfigMap.of(c), ClusterServices.lookupdHeadless(c), ClusterServices.lookupd(c), ClusterServices.nsqdHeadless(c),
                LookupdStatefulSet.of(c), NsqdStatefulSet.of(c, c.getSpec().nsqd.replicas, NsqdClaim.of(c.getSpec()), 0),
                AdminDeployment.of(c), ClusterServices.admin(c), DisruptionBudgets.lookupd(c), DisruptionBudgets.nsqd(c));
    }

    static void assertGolden(String file, List<HasMetadata> objects) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (HasMetadata o : objects) {
            sb.append("---\n").append(YAML.writeValueAsString(o));
        }
        Path golden = GOLDEN.resolve(file);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, sb.toString());
        }
        assertThat(sb.toString()).as("golden/" + file + " (-Dgolden.update=true rewrites it)").isEqualTo(Files.readString(golden));
    }

    @Test
    void theDefaultClusterIsThreeLookupdsThreeBrokersAndAnAdmin() throws Exception {
        assertGolden("default.yaml", objects(cluster("demo", new NsqClusterSpec())));
    }

    @Test
    void theExampleWithFlagsResourcesAndSpreadConstraints() throws Exception {
        NsqCluster example = new ObjectMapper(new YAMLFactory()).readValue(
                Path.of("../deploy/examples/nsqcluster.yaml").toFile(), NsqCluster.class);
        example.getMetadata().setNamespace("prod");
        assertGolden("example.yaml", objects(example));
    }

    @Test
    void edgeCasesOneLookupdNoBrokersQuotedFlagsAndDeletedClaims() throws Exception {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.lookupd.replicas = 1;
        spec.nsqd.replicas = 0;
        spec.nsqd.config = Map.of("log-prefix", "[nsqd] \"quoted\" #1", "mem-queue-size", "0");
        spec.nsqd.storage.storageClassName = "fast";
        spec.nsqd.storage.deleteClaimsOnScaleDown = true;
        spec.admin.serviceType = "LoadBalancer";
        spec.version = "1.2.3";
        spec.image = "registry.example.com/nsq";
        assertGolden("edge.yaml", objects(cluster("edge", spec)));
    }

    @Test
    void theArgsFileQuotesWhatPicocliWouldSplit() {
        assertThat(ComponentFlags.argsFile(List.of("--a=1", "--log-prefix=[nsqd] x", "--b=say \"hi\"", "--c=#1")))
                .isEqualTo("--a=1\n\"--log-prefix=[nsqd] x\"\n\"--b=say \\\"hi\\\"\"\n\"--c=#1\"\n");
    }

    @Test
    void aFlagOrImageChangeChangesThePodTemplateAndNothingElseDoes() {
        NsqClusterSpec spec = new NsqClusterSpec();
        String before = hash(NsqdStatefulSet.of(cluster("demo", spec), 3, NsqdClaim.of(spec), 0));
        assertThat(hash(NsqdStatefulSet.of(cluster("demo", spec), 5, NsqdClaim.of(spec), 0))).as("replicas").isEqualTo(before);
        spec.nsqd.config = Map.of("mem-queue-size", "1");
        String flags = hash(NsqdStatefulSet.of(cluster("demo", spec), 3, NsqdClaim.of(spec), 0));
        spec.version = "2.0.0";
        String image = hash(NsqdStatefulSet.of(cluster("demo", spec), 3, NsqdClaim.of(spec), 0));
        assertThat(List.of(before, flags, image)).doesNotHaveDuplicates();
    }

    @Test
    void claimSizesCompareByBytes() {
        assertThat(new NsqdClaim("1Gi", null).bytes()).isEqualTo(new NsqdClaim("1024Mi", null).bytes());
        assertThat(new NsqdClaim("2Gi", null).bytes()).isGreaterThan(new NsqdClaim("1500Mi", null).bytes());
    }

    private static String hash(StatefulSet s) {
        return s.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
    }

    @Test
    void networkPoliciesAdmitClientsAdminPeersAndTheOperatorsNamespaceOnlyOnNsqsPorts() throws Exception {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.networkPolicies.enabled = true;
        NsqCluster c = cluster("demo", spec);
        assertGolden("network-policies.yaml", List.of(NetworkPolicies.lookupd(c, "jnsq-system"), NetworkPolicies.nsqd(c, "jnsq-system"),
                NetworkPolicies.admin(c)));

        spec.networkPolicies.clients = List.of(new NetworkPolicyPeerBuilder().withNewNamespaceSelector()
                .withMatchLabels(Map.of("team", "payments")).endNamespaceSelector().build());
        spec.networkPolicies.adminClients = List.of(new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr("10.0.0.0/8").endIpBlock().build());
        NetworkPolicy nsqd = NetworkPolicies.nsqd(c, "ops");
        assertThat(nsqd.getSpec().getIngress().get(0).getFrom()).singleElement()
                .satisfies(p -> assertThat(p.getNamespaceSelector().getMatchLabels()).containsEntry("team", "payments"));
        assertThat(nsqd.getSpec().getIngress().get(2).getFrom()).singleElement()
                .satisfies(p -> assertThat(p.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "ops"));
        assertThat(NetworkPolicies.lookupd(c, "ops").getSpec().getIngress().get(1).getFrom()).isEqualTo(spec.networkPolicies.clients);
        assertThat(NetworkPolicies.admin(c).getSpec().getIngress()).singleElement()
                .satisfies(r -> assertThat(r.getFrom()).singleElement().satisfies(p -> assertThat(p.getIpBlock().getCidr()).isEqualTo("10.0.0.0/8")));

        spec.tls = new NsqClusterSpec.TlsSpec();
        spec.tls.secretName = "nsq-tls";
        assertThat(NetworkPolicies.nsqd(c, "ops").getSpec().getIngress()).as("with TLS, HTTPS too")
                .extracting(r -> r.getPorts().stream().map(p -> p.getPort().getIntVal()).toList())
                .containsExactly(List.of(4150, 4151, 4152), List.of(4151, 4152), List.of(4151));
    }

    @Test
    void tlsAndAuthMountTheSecretIntoBrokersAndAdminAndSetNsqdsFlags() throws Exception {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.tls = new NsqClusterSpec.TlsSpec();
        spec.tls.secretName = "nsq-tls";
        spec.tls.clientAuthPolicy = "require-verify";
        spec.auth = new NsqClusterSpec.AuthSpec();
        spec.auth.httpAddresses = List.of("nsq-authd.prod.svc:4181", "https://auth.example.com/auth");
        NsqCluster c = cluster("secure", spec);
        assertGolden("secured.yaml", objects(c));

        String nsqdArgs = FlagsConfigMap.of(c).getData().get(FlagsConfigMap.key("nsqd"));
        assertThat(nsqdArgs).contains("--https-address=0.0.0.0:4152\n", "--tls-cert=/etc/jnsq-tls/tls.crt\n",
                "--tls-key=/etc/jnsq-tls/tls.key\n", "--tls-root-ca-file=/etc/jnsq-tls/ca.crt\n", "--tls-required=tcp-https\n",
                "--tls-client-auth-policy=require-verify\n", "--tls-min-version=tls1.2\n",
                "--auth-http-address=nsq-authd.prod.svc:4181\n", "--auth-http-address=https://auth.example.com/auth\n");
        assertThat(FlagsConfigMap.of(c).getData().get(FlagsConfigMap.key("nsqadmin")))
                .contains("--http-client-tls-root-ca-file=/etc/jnsq-tls/ca.crt\n");
        assertThat(FlagsConfigMap.of(c).getData().get(FlagsConfigMap.key("nsqlookupd"))).doesNotContain("tls");
        StatefulSet nsqd = NsqdStatefulSet.of(c, 3, NsqdClaim.of(spec), 0);
        assertThat(nsqd.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("tls");
            assertThat(v.getSecret().getSecretName()).isEqualTo("nsq-tls");
        });
        assertThat(LookupdStatefulSet.of(c).getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getName().equals("tls"));
    }

    @Test
    void generatedTlsMountsTheOperatorsSecretAndANewCertificateChangesTheBrokersAndAdminsPodTemplatesOnly() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.tls = new NsqClusterSpec.TlsSpec();
        spec.tls.generate = new NsqClusterSpec.GeneratedTlsSpec();
        NsqCluster c = cluster("demo", spec);
        assertThat(ComponentFlags.problem(spec)).isEmpty();
        StatefulSet nsqd = NsqdStatefulSet.of(c, 3, NsqdClaim.of(spec), 0, "aaaa");
        assertThat(nsqd.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("tls");
            assertThat(v.getSecret().getSecretName()).isEqualTo("demo-tls");
        });
        assertThat(hash(nsqd)).isEqualTo(ComponentFlags.configHash(spec, new ClusterNames(c), "nsqd", "aaaa"));
        assertThat(hash(NsqdStatefulSet.of(c, 3, NsqdClaim.of(spec), 0, "bbbb"))).as("another certificate rolls the brokers").isNotEqualTo(hash(nsqd));
        assertThat(hash(NsqdStatefulSet.of(c, 3, NsqdClaim.of(spec), 0, null))).isEqualTo(ComponentFlags.configHash(spec, new ClusterNames(c), "nsqd", null));
        assertThat(AdminDeployment.of(c, "aaaa").getSpec().getTemplate().getMetadata().getAnnotations())
                .isNotEqualTo(AdminDeployment.of(c, "bbbb").getSpec().getTemplate().getMetadata().getAnnotations());
        assertThat(TlsSecrets.caSecret(spec, new ClusterNames(c))).as("what clients read").isEqualTo("demo-ca");
        assertThat(TlsSecrets.server(c, Map.of("tls.crt", "C", "tls.key", "K", "ca.crt", "A")).getType()).isEqualTo("kubernetes.io/tls");
    }

    @Test
    void anAuthServerIsAnNsqAuthdFromTheSecretThatEveryNsqdAsks() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.tls = new NsqClusterSpec.TlsSpec();
        spec.tls.generate = new NsqClusterSpec.GeneratedTlsSpec();
        spec.auth = new NsqClusterSpec.AuthSpec();
        spec.auth.httpAddresses = List.of("auth.example.com:4181");
        spec.auth.server = new NsqClusterSpec.AuthServerSpec();
        spec.auth.server.secretName = "nsq-identities";
        spec.auth.server.key = "identities.json";
        NsqCluster c = cluster("demo", spec);
        assertThat(ComponentFlags.problem(spec)).isEmpty();
        assertThat(FlagsConfigMap.of(c).getData().get("nsqd.args")).contains(
                "--auth-http-address=auth.example.com:4181\n--auth-http-address=demo-authd.prod.svc:4181\n");
        assertThat(FlagsConfigMap.of(c).getData().get("authd.args"))
                .isEqualTo("--http-address=0.0.0.0:4181\n--auth-file=/etc/jnsq-authd/identities.json\n--ttl=3600\n");
        var authd = AuthdDeployment.of(c);
        assertThat(authd.getSpec().getReplicas()).isEqualTo(2);
        var pod = authd.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getImage()).startsWith("ghcr.io/jnsq/jnsq-authd:");
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("tmp", "flags", "identities");
        assertThat(pod.getVolumes().get(2).getSecret().getSecretName()).isEqualTo("nsq-identities");
        assertThat(pod.getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/etc/jnsq-authd");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(authd.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "auth");
        assertThat(ClusterServices.authd(c).getSpec().getPorts().get(0).getPort()).isEqualTo(4181);
        var policy = NetworkPolicies.authd(c);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of("app.kubernetes.io/name", "authd",
                "app.kubernetes.io/instance", "demo"));
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(r -> {
            assertThat(r.getFrom()).singleElement().satisfies(p -> assertThat(p.getPodSelector().getMatchLabels())
                    .isEqualTo(Map.of("app.kubernetes.io/name", "nsqd", "app.kubernetes.io/instance", "demo")));
            assertThat(r.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(4181);
        });

        spec.auth.server.secretName = " ";
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.auth.server: secretName and key name the Secret and the key of "
                + "nsq_authd's JSON file");
    }

    @Test
    void tlsWithoutASecretAndAuthGivenTwiceAreRefusedForTheStatus() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.tls = new NsqClusterSpec.TlsSpec();
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.tls: name where the certificates come from: secretName (a Secret "
                + "with tls.crt, tls.key and ca.crt), generate or certManager");
        spec.tls.secretName = "mine";
        spec.tls.generate = new NsqClusterSpec.GeneratedTlsSpec();
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.tls: secretName, generate and certManager exclude each other: choose one");
        spec.tls.secretName = null;
        spec.tls.generate.validity = "1h";
        spec.tls.generate.renewBefore = "2h";
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.tls.generate.renewBefore must be shorter than validity");
        spec.tls.generate = null;
        spec.tls.certManager = new NsqClusterSpec.CertManagerSpec();
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.tls.certManager.issuerRef.name: the Issuer or ClusterIssuer is required");
        spec.tls = null;
        spec.auth = new NsqClusterSpec.AuthSpec();
        spec.auth.httpAddresses = List.of("a:4181");
        spec.nsqd.config = Map.of("auth-http-address", "b:4181");
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.nsqd.config.auth-http-address: use spec.auth.httpAddresses or spec.auth.server");
        spec.nsqd.config = Map.of("tls-cert", "/x");
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.nsqd.config.tls-cert: the operator sets --tls-cert itself");
    }

    private static NsqClusterSpec.SecretKeyRef ref(String name, String key) {
        NsqClusterSpec.SecretKeyRef r = new NsqClusterSpec.SecretKeyRef();
        r.name = name;
        r.key = key;
        return r;
    }

    private static NsqClusterSpec signInSpec() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.admin.auth = new NsqClusterSpec.AdminAuthSpec();
        spec.admin.auth.usersSecret = ref("nsqadmin-users", "users");
        spec.admin.auth.oidc = new NsqClusterSpec.OidcSpec();
        spec.admin.auth.oidc.issuer = "https://keycloak.example.com/realms/ops";
        spec.admin.auth.oidc.clientId = "nsqadmin";
        spec.admin.auth.oidc.clientSecretRef = ref("nsqadmin-oidc", "client-secret");
        spec.admin.auth.oidc.rolesClaim = "realm_access/roles";
        spec.admin.auth.oidc.adminGroups = List.of("nsq-admins", "sre");
        spec.admin.auth.oidc.scopes = List.of("groups");
        spec.admin.auth.oidc.redirectUrl = "https://nsq.example.com/login/oidc";
        return spec;
    }

    @Test
    void adminSignInMountsOneKeyOfEachSecretAndPassesOnlyFilePathsAsFlags() throws Exception {
        NsqClusterSpec spec = signInSpec();
        NsqCluster c = cluster("demo", spec);
        assertThat(ComponentFlags.problem(spec)).isEmpty();
        assertGolden("admin-sign-in.yaml", List.of(FlagsConfigMap.of(c), AdminDeployment.of(c, null, "ffff")));
        String args = FlagsConfigMap.of(c).getData().get("nsqadmin.args");
        assertThat(args).endsWith("--users-file=/etc/jnsq-admin-users/users\n"
                + "--oidc-issuer=https://keycloak.example.com/realms/ops\n--oidc-client-id=nsqadmin\n"
                + "--oidc-client-secret-file=/etc/jnsq-admin-oidc/client-secret\n--oidc-roles-claim=realm_access/roles\n"
                + "--oidc-admin-group=nsq-admins\n--oidc-admin-group=sre\n--oidc-scope=groups\n"
                + "--oidc-redirect-url=https://nsq.example.com/login/oidc\n");
        var pod = AdminDeployment.of(c, null, "ffff").getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("tmp", "flags", "users", "oidc-client-secret");
        assertThat(pod.getVolumes().get(2).getSecret().getSecretName()).isEqualTo("nsqadmin-users");
        assertThat(pod.getVolumes().get(2).getSecret().getItems()).singleElement()
                .satisfies(i -> assertThat(i.getKey() + " " + i.getPath()).isEqualTo("users users"));
        assertThat(pod.getVolumes().get(3).getSecret().getSecretName()).isEqualTo("nsqadmin-oidc");
        assertThat(pod.getVolumes().get(3).getSecret().getItems()).singleElement()
                .satisfies(i -> assertThat(i.getKey()).isEqualTo("client-secret"));
        var container = pod.getContainers().get(0);
        assertThat(container.getVolumeMounts()).filteredOn(m -> m.getMountPath().startsWith("/etc/jnsq-admin"))
                .extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly())
                .containsExactly("users /etc/jnsq-admin-users true", "oidc-client-secret /etc/jnsq-admin-oidc true");
        assertThat(YAML.writeValueAsString(container.getEnv())).doesNotContain("secret");
        // other Secret content -> another pod template; no sign-in Secrets -> the same hash as before this feature
        assertThat(AdminDeployment.of(c, null, "ffff").getSpec().getTemplate().getMetadata().getAnnotations())
                .isNotEqualTo(AdminDeployment.of(c, null, "eeee").getSpec().getTemplate().getMetadata().getAnnotations());
        NsqCluster plain = cluster("demo", new NsqClusterSpec());
        assertThat(AdminDeployment.of(plain, "aaaa", null)).isEqualTo(AdminDeployment.of(plain, "aaaa"));
        // the users file alone
        spec.admin.auth.oidc = null;
        assertThat(FlagsConfigMap.of(c).getData().get("nsqadmin.args")).endsWith("--users-file=/etc/jnsq-admin-users/users\n")
                .doesNotContain("oidc");
        assertThat(AdminDeployment.of(c, null, "ffff").getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName())
                .containsExactly("tmp", "flags", "users");
    }

    @Test
    void adminSignInThatCannotWorkIsRefusedForTheStatus() {
        NsqClusterSpec spec = signInSpec();
        spec.admin.auth.usersSecret = null;
        spec.admin.auth.oidc = null;
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.admin.auth: name usersSecret, oidc or both (remove auth to run "
                + "nsqadmin without sign-in)");
        spec = signInSpec();
        spec.admin.auth.usersSecret.key = null;
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.admin.auth.usersSecret.key: a key of Secret nsqadmin-users is required "
                + "(letters, digits, -._), got null");
        spec = signInSpec();
        spec.admin.auth.oidc.clientSecretRef = null;
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.admin.auth.oidc.clientSecretRef: the Secret key holding the client "
                + "secret is required");
        spec = signInSpec();
        spec.admin.auth.oidc.issuer = "keycloak.example.com";
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.admin.auth.oidc.issuer: an http(s) URL of the provider is required, "
                + "got keycloak.example.com");
        spec = signInSpec();
        spec.admin.auth.oidc.redirectUrl = "https://nsq.example.com/callback";
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.admin.auth.oidc.redirectUrl: an http(s) URL ending in /login/oidc "
                + "(where nsqadmin completes the sign-in), got https://nsq.example.com/callback");
        spec = signInSpec();
        spec.admin.auth.oidc.adminGroups = List.of("ops team");
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.admin.auth.oidc.adminGroups: one word each, got [ops team]");
        spec = signInSpec();
        spec.admin.auth.oidc.clientSecretRef.name = "Bad_Name";
        assertThat(ComponentFlags.problem(spec)).hasValue("spec.admin.auth.oidc.clientSecretRef.name: the name of a Secret in the "
                + "cluster's namespace is required, got Bad_Name");
    }
}
