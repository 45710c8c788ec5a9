package io.jnsq.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.jboss.logging.Logger;

/**
 * Keeps the old generation of the serial collector (the launchers' default) near what is live under a steady load, as
 * Go's collector keeps nsqd's heap near twice what is live. The serial collector promotes whatever survives a couple
 * of young collections, and a message that waits in a memory queue for more than a few tens of milliseconds does;
 * once it is delivered it is dead, but JDK 25's serial collector grows the old generation rather than collect it until
 * the heap can grow no further. So under a standing backlog the heap grew by ~150 MB/s of dead messages towards its
 * maximum (half the RAM or the container's limit): a 5 s simultaneous write and read to a 1M memory queue peaked at
 * 0.9-1.1 GB against nsqd's 0.36-0.46.
 * <p>
 * This asks the JVM to tell it, after a collection, when the old generation passes {@link #GROWTH} times what was
 * live in it after the last full collection (at least {@link #FLOOR}), and then asks for a full collection, which
 * also shrinks the heap to twice what is live (the launchers' MaxHeapFreeRatio). The collection runs on a thread of
 * its own; a request while one is pending is dropped. With another collector (a user's {@code JAVA_OPTS}) this does
 * nothing: G1, ZGC and Shenandoah collect their old generation concurrently, and the parallel one was not measured.
 */
public final class HeapPacer {

    static final long FLOOR = 96L << 20;
    static final int GROWTH = 2;
    /** The serial collector's old generation. */
    private static final String SERIAL_OLD_GENERATION = "Tenured Gen";
    private static final Logger LOG = Logger.getLogger(HeapPacer.class);

    private final LongSupplier liveAfterLastFullCollection;
    private final long max;
    private final LongConsumer setThreshold;
    private final Runnable collect;
    private final AtomicBoolean pending = new AtomicBoolean();

    /** @param max the old generation's largest size (negative: unbounded) */
    HeapPacer(LongSupplier liveAfterLastFullCollection, long max, LongConsumer setThreshold, Runnable collect) {
        this.liveAfterLastFullCollection = liveAfterLastFullCollection;
        this.max = max;
        this.setThreshold = setThreshold;
        this.collect = collect;
    }

    /**
     * Paces this JVM's old generation when its collector needs it. The management beans are set up on a daemon thread
     * a moment after start, which the daemon's start does not wait for (they cost ~30 ms of CPU).
     */
    public static void watch() {
        runOnItsOwnThread(() -> {
            try {
                Thread.sleep(1_000);
                oldGeneration().ifPresent(HeapPacer::pace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) { // the JVM's management API refusing us is no reason to disturb the daemon
                LOG.debugf("heap pacer: off (%s)", e);
            }
        });
    }

    private static Optional<MemoryPoolMXBean> oldGeneration() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.getName().equals(SERIAL_OLD_GENERATION)
                        && p.isUsageThresholdSupported() && p.isCollectionUsageThresholdSupported())
                .findFirst();
    }

    private static void pace(MemoryPoolMXBean old) {
        HeapPacer pacer = new HeapPacer(() -> {
            var after = old.getCollectionUsage(); // what the old generation held after its last collection
            return after == null ? 0 : after.getUsed();
        }, old.getUsage().getMax(), old::setUsageThreshold, () -> {
            long before = old.getUsage().getUsed();
            System.gc();
            LOG.debugf("heap pacer: old generation %d MB -> %d MB", before >> 20, old.getUsage().getUsed() >> 20);
        });
        ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener((n, handback) -> {
            if (MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(n.getType())
                    && MemoryNotificationInfo.from((CompositeData) n.getUserData()).getPoolName().equals(old.getName())) {
                pacer.thresholdPassed(HeapPacer::runOnItsOwnThread);
            }
        }, null, null);
        pacer.arm();
    }

    /** The pacer's setup, and each collection it asks for, on a daemon thread of its own. */
    private static void runOnItsOwnThread(Runnable work) {
        Thread t = new Thread(work, "jnsq-heap-pacer");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Sets the threshold from what the last full collection left live; none (0) when the old generation cannot grow
     * that far: a heap that small is collected by the JVM itself when it is full.
     */
    void arm() {
        long threshold = Math.max(FLOOR, GROWTH * liveAfterLastFullCollection.getAsLong());
        setThreshold.accept(max >= 0 && threshold >= max ? 0 : threshold);
    }

    /**
     * The old generation passed the threshold: one full collection on {@code runner}'s thread (unless one is already
     * pending), then the threshold again from what it left.
     */
    void thresholdPassed(Consumer<Runnable> runner) {
        if (!pending.compareAndSet(false, true)) {
            return;
        }
        runner.accept(() -> {
            try {
                collect.run();
            } finally {
                arm();
                pending.set(false);
            }
        });
    }
}
