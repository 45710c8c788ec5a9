package io.jnsq.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
 * The Prometheus Operator's PrometheusRule ({@code monitoring.coreos.com/v1}), with the part of its spec the operator
 * sets: groups of alerting rules. Its CRD belongs to the Prometheus Operator.
 */
@Group("monitoring.coreos.com")
@Version("v1")
@Kind("PrometheusRule")
@Plural("prometheusrules")
public class PrometheusRule extends CustomResource<PrometheusRule.Spec, Void> implements Namespaced {

    public static class Spec {
        public List<RuleGroup> groups = new ArrayList<>();
    }

    public static class RuleGroup {
        public String name;
        public List<Rule> rules = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"alert", "expr", "for", "labels", "annotations"})
    public static class Rule {
        public String alert;
        public String expr;
        @JsonProperty("for")
        public String pendingFor;
        public Map<String, String> labels = new LinkedHashMap<>();
        public Map<String, String> annotations = new LinkedHashMap<>();
    }
}
