package io.jnsq.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cert-manager's Certificate ({@code cert-manager.io/v1}), with the part of its spec the operator sets: the Secret to
 * write, the DNS names, the issuer, the lifetimes, the key, and labels for the Secret. Its CRD belongs to cert-manager.
 */
@Group("cert-manager.io")
@Version("v1")
@Kind("Certificate")
@Plural("certificates")
public class Certificate extends CustomResource<Certificate.Spec, Void> implements Namespaced {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        public String secretName;
        public SecretTemplate secretTemplate;
        public String commonName;
        public List<String> dnsNames = new ArrayList<>();
        public String duration;
        public String renewBefore;
        public List<String> usages = new ArrayList<>();
        public PrivateKey privateKey;
        public IssuerRef issuerRef;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class SecretTemplate {
        public Map<String, String> labels = new LinkedHashMap<>();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PrivateKey {
        public String algorithm;
        public Integer size;
        public String encoding;
        public String rotationPolicy;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IssuerRef {
        public String name;
        public String kind;
        public String group;
    }
}
