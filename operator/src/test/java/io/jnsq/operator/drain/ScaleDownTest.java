package io.jnsq.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.NsqClusterStatus.Drain;
import io.jnsq.operator.drain.NsqdDrain.Progress;
import io.jnsq.operator.drain.ScaleDown.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scale-down state machine, step by step, without a cluster: what each check leads to. */
class ScaleDownTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String POD = "demo-nsqd-2";

    private static NsqClusterSpec spec(int replicas) {
        NsqClusterSpec s = new NsqClusterSpec();
        s.nsqd.replicas = replicas;
        s.nsqd.drainTimeoutSeconds = 60;
        return s;
    }

    private static Optional<Progress> left(long n) {
        return Optional.of(new Progress(n == 0, n, n == 0 ? "drained" : n + " messages still on 10.0.0.3:4151"));
    }

    @Test
    void growingOrNoStatefulSetYetNeedsNoDrain() {
        assertThat(ScaleDown.decide(spec(3), null, null, POD, Optional.empty(), T0)).isEqualTo(new Decision(3, null, Optional.empty(), Optional.empty()));
        assertThat(ScaleDown.decide(spec(5), 3, null, POD, Optional.empty(), T0).replicas()).isEqualTo(5);
    }

    @Test
    void aShrinkStartsADrainAndHoldsTheStatefulSet() {
        Decision d = ScaleDown.decide(spec(2), 3, null, POD, Optional.empty(), T0);
        assertThat(d.replicas()).isEqualTo(3);
        assertThat(d.drain().pod).isEqualTo(POD);
        assertThat(d.drain().phase).isEqualTo(Drain.DRAINING);
        assertThat(d.drain().startedAt).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(d.drain().message).isEqualTo("checking demo-nsqd-2");
        assertThat(d.notice()).hasValue(new ScaleDown.Notice(false, "Draining", "draining demo-nsqd-2 before removing it (nsqd 3 -> 2)"));
        assertThat(d.recheck()).hasValue(Duration.ofSeconds(2));

        Decision later = ScaleDown.decide(spec(2), 3, d.drain(), POD, left(4), T0.plusSeconds(5));
        assertThat(later.drain().remaining).isEqualTo(4);
        assertThat(later.drain().message).isEqualTo("4 messages still on 10.0.0.3:4151");
        assertThat(later.drain().startedAt).as("kept").isEqualTo("2026-11-25T10:00:00Z");
        assertThat(later.notice()).isEmpty();
    }

    @Test
    void aDrainedBrokerIsRemovedOneAtATime() {
        Drain draining = new Drain(POD, Drain.DRAINING, "2026-11-25T10:00:00Z");
        Decision d = ScaleDown.decide(spec(1), 3, draining, POD, left(0), T0.plusSeconds(10));
        assertThat(d.replicas()).isEqualTo(2);
        assertThat(d.drain()).isNull();
        assertThat(d.notice().orElseThrow().reason()).isEqualTo("ScaledDown");
        Decision next = ScaleDown.decide(spec(1), 2, null, "demo-nsqd-1", Optional.empty(), T0.plusSeconds(11));
        assertThat(next.drain().pod).isEqualTo("demo-nsqd-1");
    }

    @Test
    void aTimeoutHoldsTheSizeWarnsOnceAndKeepsChecking() {
        Drain draining = new Drain(POD, Drain.DRAINING, "2026-11-25T10:00:00Z");
        draining.message = "7 messages still on 10.0.0.3:4151";
        Decision d = ScaleDown.decide(spec(2), 3, draining, POD, Optional.empty(), T0.plusSeconds(60));
        assertThat(d.replicas()).isEqualTo(3);
        assertThat(d.drain().phase).isEqualTo(Drain.TIMED_OUT);
        assertThat(d.notice().orElseThrow().warning()).isTrue();
        assertThat(d.notice().orElseThrow().message()).isEqualTo("drain of demo-nsqd-2 did not finish within 60s (7 messages still on"
                + " 10.0.0.3:4151); nsqd is held at 3 replicas: raise spec.nsqd.drainTimeoutSeconds, set spec.nsqd.replicas back to 3,"
                + " or set spec.nsqd.forceScaleDown: true");
        assertThat(d.recheck()).hasValue(Duration.ofSeconds(30));
        assertThat(ScaleDown.decide(spec(2), 3, d.drain(), POD, left(7), T0.plusSeconds(90)).notice()).as("once").isEmpty();
        assertThat(ScaleDown.decide(spec(2), 3, d.drain(), POD, left(0), T0.plusSeconds(120)).replicas()).as("drained late").isEqualTo(2);
    }

    @Test
    void theUserDecidesAfterATimeout() {
        Drain timedOut = new Drain(POD, Drain.TIMED_OUT, "2026-11-25T10:00:00Z");
        timedOut.message = "7 messages still on 10.0.0.3:4151";
        NsqClusterSpec raised = spec(2);
        raised.nsqd.drainTimeoutSeconds = 600;
        Decision again = ScaleDown.decide(raised, 3, timedOut, POD, Optional.empty(), T0.plusSeconds(70));
        assertThat(again.drain().phase).isEqualTo(Drain.DRAINING);
        assertThat(again.notice().orElseThrow().reason()).isEqualTo("Draining");

        Decision back = ScaleDown.decide(spec(3), 3, timedOut, POD, Optional.empty(), T0.plusSeconds(70));
        assertThat(back.drain()).isNull();
        assertThat(back.notice().orElseThrow().reason()).isEqualTo("ScaleDownCancelled");

        NsqClusterSpec forced = spec(1);
        forced.nsqd.forceScaleDown = true;
        Decision force = ScaleDown.decide(forced, 3, timedOut, POD, Optional.empty(), T0.plusSeconds(70));
        assertThat(force.replicas()).isEqualTo(1);
        assertThat(force.notice().orElseThrow().reason()).isEqualTo("ForcedScaleDown");
    }

    @Test
    void anUnreachableBrokerIsNotDrainedAndSaysWhy() {
        Decision d = ScaleDown.decide(spec(2), 3, null, POD, Optional.of(new Progress(false, -1, "cannot reach x:4151: refused")), T0);
        assertThat(d.replicas()).isEqualTo(3);
        assertThat(d.drain().remaining).isNull();
        assertThat(d.drain().message).isEqualTo("cannot reach x:4151: refused");
    }
}
