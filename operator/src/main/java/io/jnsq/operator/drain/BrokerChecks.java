package io.jnsq.operator.drain;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Checks of brokers in flight (drains, lookupd registrations), one per broker: a reconcile takes the last finished
 * check's answer (and starts the next) or, while one is still running, goes on without waiting and looks again at its
 * next requeue.
 */
public class BrokerChecks<T> {

    private final Map<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, T> last = new ConcurrentHashMap<>();

    /** The latest answer about {@code pod} (empty until a first check finished); starts a check when none runs. */
    public Optional<T> latest(String pod, Supplier<CompletableFuture<T>> check) {
        CompletableFuture<T> running = inFlight.get(pod);
        if (running != null && running.isDone()) {
            last.put(pod, running.join());
            inFlight.remove(pod);
            running = null;
        }
        if (running == null) {
            inFlight.put(pod, check.get());
        }
        return Optional.ofNullable(last.get(pod));
    }

    /** Forgets a broker whose drain ended (removed, cancelled or forced). */
    public void forget(String pod) {
        inFlight.remove(pod);
        last.remove(pod);
    }
}
