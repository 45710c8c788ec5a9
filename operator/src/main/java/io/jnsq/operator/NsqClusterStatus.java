package io.jnsq.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator reports about an NsqCluster: conditions, ready counts, where clients connect. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NsqClusterStatus {

    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();
    /** "True" or "False", for {@code kubectl get nsq}. */
    public String ready;
    /** "ready/desired", for {@code kubectl get nsq}. */
    public String nsqd;
    public String lookupd;
    @StatusReplicas
    public Integer nsqdReadyReplicas;
    public Integer lookupdReadyReplicas;
    public Integer adminReadyReplicas;
    /** The nsqd pods' label selector (for the scale subresource). */
    @LabelSelector
    public String selector;
    public Endpoints endpoints;
    /** The broker being drained before a scale-down, and since when (RFC 3339). */
    public Drain drain;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Endpoints {
        public List<String> nsqdTcp = new ArrayList<>();
        public String lookupdHttp;
        public String adminUrl;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Drain {
        public String pod;
        public String startedAt;
    }
}
