package io.jnsq.broker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The broker's memory bound on topics and channels: whether the heap has room for one more. nsqd has none and grows
 * until the machine runs out; here a creation that would cross the bound is refused (with an NSQ-style error at the
 * edge and one log line) while every existing topic and channel goes on working. Two tests, both cheap enough for
 * every creation:
 * <ol>
 * <li>a budget: idle topics and channels together may take at most {@link #QUEUE_SHARE} of the maximum heap, counted
 * at {@link #BYTES_PER_QUEUE} each (the measured heap cost of an idle topic or channel, rounded up). It does not
 * depend on when the collector last ran, so it holds while thousands are created between two collections;</li>
 * <li>pressure: the old generation was more than {@link #OLD_GEN_FULL} full after its last collection (messages held
 * in memory, connections): nothing new until a collection frees room.</li>
 * </ol>
 * Restoring nsqd.dat at start is not bounded: what was there comes back.
 */
final class MemoryBound {

    private static final Logger LOG = Logger.getLogger(MemoryBound.class);
    /** What an idle topic or channel keeps on the heap (jcmd GC.class_histogram over 20,000 of them), rounded up. */
    static final long BYTES_PER_QUEUE = 2048;
    /** The share of the maximum heap that idle topics and channels may take; the rest is for messages and clients. */
    static final double QUEUE_SHARE = 0.5;
    /** Above this share of its maximum after a collection, the old generation is too full for new queues. */
    static final double OLD_GEN_FULL = 0.85;
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final long maxHeap;
    private final long maxQueues;
    private final MemoryPoolMXBean oldGen;
    private final AtomicInteger queues = new AtomicInteger();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong refusedSinceLog = new AtomicLong();

    MemoryBound(long maxHeap) {
        this.maxHeap = maxHeap;
        this.maxQueues = (long) (maxHeap * QUEUE_SHARE / BYTES_PER_QUEUE);
        this.oldGen = oldGeneration();
    }

    /** The bound for this JVM's maximum heap ({@code -Xmx}, or what bin/nsqd's launcher chose). */
    static MemoryBound ofThisJvm() {
        return new MemoryBound(Runtime.getRuntime().maxMemory());
    }

    long maxQueues() {
        return maxQueues;
    }

    int queues() {
        return queues.get();
    }

    void opened() {
        queues.incrementAndGet();
    }

    void closed() {
        queues.decrementAndGet();
    }

    /**
     * Throws {@link Refused} when one more topic or channel ({@code what}, e.g. {@code topic "t"}) would cross the
     * bound; logs it (one line, then at most one every ten seconds with the count refused meanwhile).
     */
    void checkRoomFor(String what) {
        String reason = null;
        int now = queues.get();
        if (now + 1 > maxQueues) {
            reason = String.format("%d topics and channels, the most a %d MB heap holds", now, maxHeap >> 20);
        } else {
            long oldGenUsed = oldGenUsedAfterCollection();
            long oldGenMax = oldGen == null || oldGen.getUsage().getMax() <= 0 ? maxHeap : oldGen.getUsage().getMax();
            if (oldGenUsed > oldGenMax * OLD_GEN_FULL) {
                reason = String.format("the heap is %d%% full after garbage collection (%d MB of %d MB)",
                        oldGenUsed * 100 / oldGenMax, oldGenUsed >> 20, oldGenMax >> 20);
            }
        }
        if (reason == null) {
            return;
        }
        long refused = refusedSinceLog.incrementAndGet();
        long last = lastLog.get();
        long t = System.nanoTime();
        if (t - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, t)) {
            refusedSinceLog.addAndGet(-refused);
            LOG.warnf("memory bound: refused to create %s: %s%s", what, reason,
                    refused > 1 ? " (" + (refused - 1) + " other creation(s) refused since the last such line)" : "");
        }
        throw new Refused(reason);
    }

    private long oldGenUsedAfterCollection() {
        if (oldGen == null) {
            return 0;
        }
        MemoryUsage afterGc = oldGen.getCollectionUsage();
        return afterGc == null ? 0 : afterGc.getUsed();
    }

    /** The heap pool that holds what lives long (Tenured Gen, G1 Old Gen, PS Old Gen...), or null. */
    private static MemoryPoolMXBean oldGeneration() {
        MemoryPoolMXBean largest = null;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || !pool.isCollectionUsageThresholdSupported()) {
                continue;
            }
            String name = pool.getName();
            if (name.contains("Old") || name.contains("Tenured")) {
                return pool;
            }
            if (largest == null || pool.getUsage().getMax() > largest.getUsage().getMax()) {
                largest = pool;
            }
        }
        return largest;
    }

    /** A topic or channel that was not created because of the memory bound; the message says why. */
    static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
