package io.jnsq.broker;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The threads that do the broker's disk I/O (writes, fsyncs, backlog reads), so no Vert.x event loop ever waits for
 * the disk, as nsqd keeps disk queues on goroutines of their own. Each topic and channel gets a {@link Lane}: its
 * tasks run one at a time and in order, lanes run in parallel on the shared threads.
 */
final class StorageThreads implements AutoCloseable {

    private final ExecutorService pool;

    StorageThreads(int threads) {
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nsqd-storage");
            t.setDaemon(true);
            return t;
        });
    }

    Lane newLane() {
        return new Lane();
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A serial executor on the storage threads. */
    final class Lane {
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean();

        void execute(Runnable task) {
            tasks.add(task);
            schedule();
        }

        private void schedule() {
            if (running.compareAndSet(false, true)) {
                try {
                    pool.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    running.set(false);
                    drain(); // shutting down: run what is left on the caller's thread
                }
            }
        }

        private void drain() {
            try {
                Runnable task;
                int n = 0;
                while (n++ < 64 && (task = tasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        org.jboss.logging.Logger.getLogger(StorageThreads.class).errorf(e, "storage task failed");
                    }
                }
            } finally {
                running.set(false);
                if (!tasks.isEmpty()) {
                    schedule();
                }
            }
        }
    }
}
