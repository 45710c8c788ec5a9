package io.jnsq.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus Operator's ServiceMonitor ({@code monitoring.coreos.com/v1}), with the part of its spec the operator
 * sets: which Services, and the endpoint to scrape on them. Its CRD belongs to the Prometheus Operator.
 */
@Group("monitoring.coreos.com")
@Version("v1")
@Kind("ServiceMonitor")
@Plural("servicemonitors")
public class ServiceMonitor extends CustomResource<ServiceMonitor.Spec, Void> implements Namespaced {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        public LabelSelector selector;
        public NamespaceSelector namespaceSelector;
        public List<Endpoint> endpoints = new ArrayList<>();
    }

    public static class NamespaceSelector {
        public List<String> matchNames = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Endpoint {
        public String port;
        public String path;
        public String interval;
        public List<Relabeling> relabelings;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Relabeling {
        public List<String> sourceLabels;
        public String regex;
        public String action;
    }
}
