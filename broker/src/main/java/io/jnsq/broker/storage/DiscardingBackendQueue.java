package io.jnsq.broker.storage;

import org.jboss.logging.Logger;

/**
 * The backend of an {@code #ephemeral} topic or channel: as in nsqd, what does not fit in memory is discarded, never
 * written to disk. Each discard is counted and logged (at most once a minute per queue).
 */
public final class DiscardingBackendQueue extends StorelessBackendQueue {

    private static final Logger LOG = Logger.getLogger(DiscardingBackendQueue.class);

    private final String name;
    private long discarded;
    private long lastLogNanos;

    public DiscardingBackendQueue(String name) {
        this.name = name;
    }

    @Override
    public synchronized void put(byte[] encodedMessage) {
        discarded++;
        long now = System.nanoTime();
        if (lastLogNanos == 0 || now - lastLogNanos > 60_000_000_000L) {
            lastLogNanos = now;
            LOG.warnf("ephemeral %s: memory queue full, %d message(s) discarded so far", name, discarded);
        }
    }
}
