package io.jnsq.cli;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Gives the memory a load took back to the system once the load is over. The serial collector (the launchers'
 * default) only shrinks the heap at a full collection, and under a steady trickle of heartbeats a daemon may never
 * have one again; glibc likewise keeps freed native memory. So when a daemon that was busy (its collector ran) has
 * had no collection at all for {@link #QUIET} and its heap is larger than {@link #SMALL_HEAP}, this asks for one
 * full collection (the heap then shrinks to what is live plus the JVM's MaxHeapFreeRatio) and for a trim of the
 * native heap. Then it waits for the next busy period: an idle daemon is collected once, not over and over; and a
 * daemon whose heap is mostly live (a large in-memory queue) is not collected again until its heap has grown to
 * {@link #GROWTH} times what was live at the last release, so a slow trickle of work does not bring a full
 * collection of a big heap every few seconds.
 */
public final class IdleMemory {

    static final long QUIET = TimeUnit.SECONDS.toNanos(10);
    static final long SMALL_HEAP = 32L << 20;
    static final int GROWTH = 3;
    private static final long CHECK_MILLIS = 2_000;

    private final LongSupplier collections;
    private final LongSupplier committedHeap;
    private final LongSupplier usedHeap;
    private final Runnable release;
    private long liveAtRelease;
    private long lastCount = -1;
    private long quietSince;
    private boolean busySinceRelease = true; // start-up itself was a load

    IdleMemory(LongSupplier collections, LongSupplier committedHeap, LongSupplier usedHeap, Runnable release) {
        this.collections = collections;
        this.committedHeap = committedHeap;
        this.usedHeap = usedHeap;
        this.release = release;
    }

    /**
     * Watches this JVM from a daemon thread of its own, which looks the collectors up only after its first wait: the
     * management beans take ~30 ms of CPU to set up, which a daemon's start should not wait for nor share a core with.
     */
    public static void watch() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(CHECK_MILLIS);
                List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
                MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                IdleMemory idle = new IdleMemory(() -> gcs.stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum(),
                        () -> memory.getHeapMemoryUsage().getCommitted(), () -> memory.getHeapMemoryUsage().getUsed(),
                        IdleMemory::release);
                while (true) {
                    idle.check(System.nanoTime());
                    Thread.sleep(CHECK_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jnsq-idle-memory");
        t.setDaemon(true);
        t.start();
    }

    /** One look at the collector; releases memory when the daemon went quiet after being busy. */
    void check(long now) {
        long count = collections.getAsLong();
        if (count != lastCount) {
            if (lastCount >= 0) {
                busySinceRelease = true;
            }
            lastCount = count;
            quietSince = now;
            return;
        }
        long committed = committedHeap.getAsLong();
        if (busySinceRelease && now - quietSince >= QUIET && committed > SMALL_HEAP && committed > GROWTH * liveAtRelease) {
            release.run();
            liveAtRelease = usedHeap.getAsLong();
            busySinceRelease = false;
            lastCount = collections.getAsLong(); // our own collection is not a sign of work
            quietSince = now;
        }
    }

    private static void release() {
        long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        System.gc();
        trimNativeHeap();
        long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        Logger.getLogger(IdleMemory.class).debugf("idle: heap %d MB -> %d MB, native heap trimmed", before >> 20, after >> 20);
    }

    /** glibc's malloc_trim, through the JVM's own diagnostic command (jcmd System.trim_native_heap). */
    private static void trimNativeHeap() {
        try {
            javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            ManagementFactory.getPlatformMBeanServer().invoke(name, "systemTrimNativeHeap", null, null);
        } catch (Exception | LinkageError e) {
            Logger.getLogger(IdleMemory.class).debugf("idle: no native heap trim on this JVM: %s", e.getMessage());
        }
    }
}
