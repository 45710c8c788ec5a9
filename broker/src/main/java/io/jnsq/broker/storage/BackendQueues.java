package io.jnsq.broker.storage;

/**
 * Opens the backend queue behind each topic and channel. The one place that decides where overflow goes:
 * ephemeral queues discard it, the others use {@link #open}'s durable store (none yet: refuse).
 */
public class BackendQueues {

    /** {@code name} is {@code topic} or {@code topic:channel}. */
    public BackendQueue open(String name, boolean ephemeral) {
        if (ephemeral) {
            return new DiscardingBackendQueue(name);
        }
        return new RefusingBackendQueue();
    }
}
