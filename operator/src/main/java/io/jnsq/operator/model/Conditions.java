package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** The conditions of an NsqCluster's status, Kubernetes-style: a transition time only when the status flips. */
public final class Conditions {

    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String WARNING = "Warning";
    public static final String PAUSED = "ReconciliationPaused";

    private Conditions() {
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Sets a condition in place (keeping the order types were first set in); its time changes only with its status. */
    public static void set(List<Condition> conditions, String type, boolean value, String reason, String message, Instant now) {
        String status = value ? "True" : "False";
        Optional<Condition> existing = find(conditions, type);
        String since = existing.filter(c -> status.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElse(timestamp(now));
        Condition next = new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message == null ? "" : message).withLastTransitionTime(since).build();
        existing.ifPresentOrElse(c -> conditions.set(conditions.indexOf(c), next), () -> conditions.add(next));
    }

    /** RFC 3339 in whole seconds, as Kubernetes writes times (metav1.Time has no fraction). */
    public static String timestamp(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
