package io.jnsq.operator.drain;

import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.NsqClusterStatus.Drain;
import io.jnsq.operator.model.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * nsqd's scale-down as a state machine recorded in the status ({@code status.drain}): one broker at a time, the
 * highest first, is drained (see {@link NsqdDrain}) and only then removed. The spec is never written: when a drain
 * takes longer than {@code spec.nsqd.drainTimeoutSeconds} the StatefulSet is held at its size ({@code TimedOut}) until
 * the user raises the timeout, puts the replicas back, or sets {@code spec.nsqd.forceScaleDown}; a broker that drains
 * meanwhile is still removed.
 */
public final class ScaleDown {

    /** How often a draining broker is checked. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(2);
    /** How often a broker whose drain timed out is still checked (it may drain by itself). */
    static final Duration CHECK_TIMED_OUT_EVERY = Duration.ofSeconds(30);

    private ScaleDown() {
    }

    /** Something a user would want to read in {@code kubectl describe nsq}: an Event. */
    public record Notice(boolean warning, String reason, String message) {
    }

    /**
     * What to do now: the nsqd StatefulSet's replicas, the drain to record (null: none under way), what to tell the
     * user, and when to look again.
     */
    public record Decision(int replicas, Drain drain, Optional<Notice> notice, Optional<Duration> recheck) {
    }

    /**
     * @param current  the nsqd StatefulSet's replicas, or null when there is none yet
     * @param previous the drain recorded in the status, or null
     * @param leaving  the pod that leaves next ({@code <cluster>-nsqd-<current-1>})
     * @param progress the latest check of that pod, if one has finished
     */
    public static Decision decide(NsqClusterSpec spec, Integer current, Drain previous, String leaving,
            Optional<NsqdDrain.Progress> progress, Instant now) {
        int desired = spec.nsqd.replicas;
        if (current == null || desired >= current) {
            Optional<Notice> cancelled = previous == null ? Optional.empty() : Optional.of(new Notice(false, "ScaleDownCancelled",
                    "nsqd replicas are " + desired + " again: " + previous.pod + " stays"));
            return new Decision(desired, null, cancelled, Optional.empty());
        }
        if (spec.nsqd.forceScaleDown) {
            return new Decision(desired, null, Optional.of(new Notice(true, "ForcedScaleDown", "nsqd scaled from " + current
                    + " to " + desired + " without draining (spec.nsqd.forceScaleDown)")), Optional.empty());
        }
        if (progress.isPresent() && progress.get().drained()) {
            return new Decision(current - 1, null, Optional.of(new Notice(false, "ScaledDown", leaving
                    + " drained and removed; nsqd scaled to " + (current - 1))), Optional.of(Duration.ofSeconds(1)));
        }
        boolean same = previous != null && leaving.equals(previous.pod);
        Drain drain = same ? previous.copy() : new Drain(leaving, Drain.DRAINING, Conditions.timestamp(now));
        Optional<Notice> notice = same ? Optional.empty() : Optional.of(new Notice(false, "Draining", "draining " + leaving
                + " before removing it (nsqd " + current + " -> " + desired + ")"));
        drain.message = progress.map(NsqdDrain.Progress::detail).orElse(same && previous.message != null ? previous.message
                : "checking " + leaving);
        drain.remaining = progress.filter(p -> p.remaining() >= 0).map(NsqdDrain.Progress::remaining).orElse(same ? previous.remaining : null);
        Duration timeout = Duration.ofSeconds(spec.nsqd.drainTimeoutSeconds);
        Duration waited = Duration.between(Instant.parse(drain.startedAt), now);
        if (waited.compareTo(timeout) >= 0) {
            if (!Drain.TIMED_OUT.equals(drain.phase)) {
                notice = Optional.of(new Notice(true, "DrainTimedOut", timedOut(drain, spec, current)));
            }
            drain.phase = Drain.TIMED_OUT;
            return new Decision(current, drain, notice, Optional.of(CHECK_TIMED_OUT_EVERY));
        }
        if (Drain.TIMED_OUT.equals(drain.phase)) {
            notice = Optional.of(new Notice(false, "Draining", "drain timeout raised to " + spec.nsqd.drainTimeoutSeconds
                    + "s: waiting for " + leaving + " again"));
        }
        drain.phase = Drain.DRAINING;
        Duration left = timeout.minus(waited);
        return new Decision(current, drain, notice, Optional.of(left.compareTo(CHECK_EVERY) < 0 ? left : CHECK_EVERY));
    }

    /** What a timed-out drain tells the user, and what they can do. */
    public static String timedOut(Drain drain, NsqClusterSpec spec, int current) {
        return "drain of " + drain.pod + " did not finish within " + spec.nsqd.drainTimeoutSeconds + "s (" + drain.message
                + "); nsqd is held at " + current + " replicas: raise spec.nsqd.drainTimeoutSeconds, set spec.nsqd.replicas back to "
                + current + ", or set spec.nsqd.forceScaleDown: true";
    }
}
