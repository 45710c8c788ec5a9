package io.jnsq.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator reports about an NsqCluster: conditions, ready counts, where clients connect, a drain under way. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NsqClusterStatus {

    @JsonPropertyDescription("the metadata.generation this status describes")
    public Long observedGeneration;
    @JsonPropertyDescription("Ready, Progressing, Warning, ReconciliationPaused")
    public List<Condition> conditions = new ArrayList<>();
    @JsonPropertyDescription("True or False, for kubectl get nsq")
    public String ready;
    @JsonPropertyDescription("ready/desired nsqd, for kubectl get nsq")
    public String nsqd;
    @JsonPropertyDescription("ready/desired nsqlookupd, for kubectl get nsq")
    public String lookupd;
    @StatusReplicas
    public Integer nsqdReadyReplicas;
    public Integer lookupdReadyReplicas;
    public Integer adminReadyReplicas;
    @JsonPropertyDescription("the nsqd pods' label selector (for the scale subresource)")
    @LabelSelector
    public String selector;
    public Endpoints endpoints;
    @JsonPropertyDescription("the scale-down under way: the broker being drained before it is removed")
    public Drain drain;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Endpoints {
        public List<String> nsqdTcp = new ArrayList<>();
        public String lookupdHttp;
        public String adminUrl;
        @JsonPropertyDescription("with spec.tls: the Secret (in the cluster's namespace) whose ca.crt clients trust")
        public String caSecret;
    }

    /** One step of a scale-down: the highest nsqd pod, drained before the StatefulSet shrinks past it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Drain {
        public static final String DRAINING = "Draining";
        public static final String TIMED_OUT = "TimedOut";

        public String pod;
        @JsonPropertyDescription("Draining, or TimedOut (the StatefulSet is held at its size until the user decides)")
        public String phase;
        @JsonPropertyDescription("when this broker's drain began (RFC 3339)")
        public String startedAt;
        @JsonPropertyDescription("messages still on the broker at the last check")
        public Long remaining;
        public String message;

        public Drain() {
        }

        public Drain(String pod, String phase, String startedAt) {
            this.pod = pod;
            this.phase = phase;
            this.startedAt = startedAt;
        }

        public Drain copy() {
            Drain d = new Drain(pod, phase, startedAt);
            d.remaining = remaining;
            d.message = message;
            return d;
        }
    }
}
