package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.drain.ScaleDown.Notice;
import io.jnsq.operator.model.Conditions;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events about an NsqCluster, as {@code kubectl describe nsq} lists them: one for each decision (created,
 * scaled, drained, drain timed out, invalid spec, paused), written once when it is taken, never on every pass.
 */
public class ClusterEvents {

    private static final Logger LOG = Logger.getLogger(ClusterEvents.class);
    static final String COMPONENT = "jnsq-operator";

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;
    private final OperatorMetrics metrics;

    public ClusterEvents(KubernetesClient client, Clock clock, String instance, OperatorMetrics metrics) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
        this.metrics = metrics;
    }

    public void emit(NsqCluster cluster, Notice notice) {
        metrics.decided(notice);
        String now = Conditions.timestamp(clock.instant());
        var m = cluster.getMetadata();
        LOG.infof("%s/%s: %s %s", m.getNamespace(), m.getName(), notice.reason(), notice.message());
        try {
            client.v1().events().inNamespace(m.getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(m.getName() + ".").withNamespace(m.getNamespace()).endMetadata()
                    .withNewInvolvedObject().withApiVersion(cluster.getApiVersion()).withKind(cluster.getKind())
                    .withName(m.getName()).withNamespace(m.getNamespace()).withUid(m.getUid()).endInvolvedObject()
                    .withType(notice.warning() ? "Warning" : "Normal")
                    .withReason(notice.reason())
                    .withMessage(notice.message())
                    .withCount(1)
                    .withFirstTimestamp(now).withLastTimestamp(now)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT).withReportingInstance(instance)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // an Event is a courtesy: the status says the same, and a refused Event must not fail the reconcile
            LOG.warnf("%s/%s: Event %s not written: %s", m.getNamespace(), m.getName(), notice.reason(), e.getMessage());
        }
    }
}
