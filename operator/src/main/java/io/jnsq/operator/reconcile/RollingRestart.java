package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.jnsq.operator.drain.ScaleDown.Notice;
import io.jnsq.operator.model.ClusterNames;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * nsqd's rolling restart, one broker at a time, as NSQ needs it: the StatefulSet's partition lets only the brokers
 * from the partition up run the new pod template, so the operator starts with the highest one and lowers the
 * partition only once that broker is updated, ready, and registered again with every lookupd (consumers find it).
 */
final class RollingRestart {

    static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    /** The partition to apply, what to tell the user, when to look again, what the roll waits for (or null). */
    record Decision(int partition, Optional<Notice> notice, Optional<Duration> recheck, String waitingFor) {
    }

    private RollingRestart() {
    }

    /**
     * @param existing    the nsqd StatefulSet as it is (null: none yet)
     * @param desiredHash the pod template's config hash the spec asks for
     * @param replicas    the StatefulSet's replicas for this pass
     * @param registered  asks (asynchronously) whether a pod is registered with every lookupd: empty until known
     */
    static Decision decide(StatefulSet existing, String desiredHash, int replicas, ClusterNames names,
            IntFunction<Optional<Boolean>> registered) {
        if (existing == null || replicas <= 1) {
            return new Decision(0, Optional.empty(), Optional.empty(), null);
        }
        String running = existing.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
        if (running != null && !running.equals(desiredHash)) {
            return new Decision(replicas - 1, Optional.empty(), Optional.of(CHECK_EVERY),
                    names.podName(ClusterNames.NSQD, replicas - 1) + " to restart");
        }
        int partition = Math.min(partition(existing), replicas - 1);
        if (partition <= 0) {
            return new Decision(0, Optional.empty(), Optional.empty(), null);
        }
        String pod = names.podName(ClusterNames.NSQD, partition);
        var status = existing.getStatus();
        boolean updatedAndReady = status != null && status.getObservedGeneration() != null
                && status.getObservedGeneration() >= existing.getMetadata().getGeneration()
                && StatefulSetReady.count(status.getUpdatedReplicas()) >= replicas - partition
                && StatefulSetReady.count(status.getReadyReplicas()) >= replicas;
        if (!updatedAndReady) {
            return new Decision(partition, Optional.empty(), Optional.of(CHECK_EVERY), pod + " to restart and be ready");
        }
        if (!registered.apply(partition).orElse(false)) {
            return new Decision(partition, Optional.empty(), Optional.of(CHECK_EVERY), pod + " to register with every lookupd");
        }
        String next = names.podName(ClusterNames.NSQD, partition - 1);
        return new Decision(partition - 1, Optional.of(new Notice(false, "RollingRestart", pod
                + " restarted, ready and registered with every lookupd; restarting " + next)), Optional.of(CHECK_EVERY), next + " to restart");
    }

    /**
     * Whether every broker runs the pod template with {@code desiredHash} (no roll pending or under way): the
     * StatefulSet has it, the partition is 0, and the controller reports every pod updated and ready. No StatefulSet:
     * nothing runs.
     */
    static boolean done(StatefulSet existing, String desiredHash) {
        if (existing == null) {
            return false;
        }
        String running = existing.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
        var status = existing.getStatus();
        int replicas = existing.getSpec().getReplicas() == null ? 0 : existing.getSpec().getReplicas();
        return desiredHash.equals(running) && partition(existing) == 0 && status != null && status.getObservedGeneration() != null
                && status.getObservedGeneration() >= existing.getMetadata().getGeneration()
                && StatefulSetReady.count(status.getUpdatedReplicas()) >= replicas && StatefulSetReady.count(status.getReadyReplicas()) >= replicas;
    }

    static int partition(StatefulSet s) {
        var strategy = s.getSpec().getUpdateStrategy();
        return strategy == null || strategy.getRollingUpdate() == null || strategy.getRollingUpdate().getPartition() == null
                ? 0 : strategy.getRollingUpdate().getPartition();
    }
}
