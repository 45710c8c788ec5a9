package io.jnsq.bench;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How NSQ's bench tools run: one connection per core (or {@code --connections}), all started together (at
 * {@code --deadline} when given), and one summary line with duration, MB/s, ops/s and us/op.
 */
final class BenchRun {

    private BenchRun() {
    }

    /** One connection's work once the run starts: returns how many messages it moved. */
    @FunctionalInterface
    interface Worker {
        long run() throws Exception;
    }

    /** Opens connection {@code index} and readies it, before the clock starts. */
    @FunctionalInterface
    interface Connect {
        Worker open(int index) throws IOException;
    }

    /** Runs the workers together and prints the summary; returns the exit code (1 when a connection failed). */
    static int run(String tool, int connections, String deadline, int size, Connect connect) throws Exception {
        int workers = connections > 0 ? connections : Runtime.getRuntime().availableProcessors();
        String prefix = "[" + tool + "] ";
        AtomicLong total = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < workers; i++) {
            Worker worker = connect.open(i);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    total.addAndGet(worker.run());
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, tool + "-" + i);
            t.start();
            threads.add(t);
        }
        waitFor(deadline, prefix);
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (!failures.isEmpty()) {
            System.err.println(prefix + failures.get(0).getMessage());
            return 1;
        }
        System.out.println(prefix + line(elapsed, total.get(), size));
        return 0;
    }

    static String line(Duration duration, long messages, int size) {
        double seconds = duration.toNanos() / 1e9;
        return String.format(Locale.ROOT, "duration: %s - %.03fmb/s - %.03fops/s - %.03fus/op",
                io.jnsq.cli.GoDuration.format(duration), messages * (double) size / seconds / 1024 / 1024,
                messages / seconds, messages == 0 ? 0.0 : duration.toNanos() / 1000.0 / messages);
    }

    /** {@code --deadline "2006-01-02 15:04:05"}: sleep until then, so a writer and a reader start together. */
    private static void waitFor(String deadline, String prefix) throws InterruptedException {
        if (deadline == null || deadline.isEmpty()) {
            return;
        }
        LocalDateTime t = LocalDateTime.parse(deadline, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        Duration d = Duration.between(LocalDateTime.now(), t);
        System.err.println(prefix + "sleeping until " + deadline + " (" + io.jnsq.cli.GoDuration.format(d) + ")");
        if (!d.isNegative()) {
            Thread.sleep(d.toMillis());
        }
    }
}
