package io.jnsq.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.quarkus.micrometer.runtime.binder.JVMInfoBinder;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JVM meters Quarkus' own JVM binder registers ({@code jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*},
 * {@code jvm_classes_*}, {@code jvm_info}), bound here instead ({@code quarkus.micrometer.binder.jvm=false}) so that
 * the heap-pressure meters ({@code jvm_memory_usage_after_gc}, {@code jvm_gc_overhead}) are built off the start-up
 * path: their constructor's {@code Duration} arithmetic took ~20 ms of the main thread's CPU on a cold JVM, about a
 * twentieth of the time to {@code /ping}. They appear in {@code /metrics} a moment after start.
 */
@Singleton
public class JvmMeters implements MeterBinder {

    private final List<AutoCloseable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    @Override
    public void bindTo(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JVMInfoBinder().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        listeners.add(gc);
        Thread later = new Thread(() -> {
            JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
            pressure.bindTo(registry);
            listeners.add(pressure);
            if (closed) {
                close();
            }
        }, "nsqd-jvm-meters");
        later.setDaemon(true);
        later.start();
    }

    /** Removes the collectors' GC notification listeners. */
    @PreDestroy
    void close() {
        closed = true;
        for (AutoCloseable l : listeners) {
            listeners.remove(l);
            try {
                l.close();
            } catch (Exception e) {
                // shutting down: nothing to do about a listener that cannot be removed
            }
        }
    }
}
