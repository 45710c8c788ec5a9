package io.jnsq.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;

/**
 * A child JVM for {@link HeapPacerProcessTest}: a load like a broker's under a standing backlog (every object lives
 * long enough to be promoted, then dies), with or without the pacer. Prints the old generation's peak, in MB.
 * Run by the launchers' JDK with their collector.
 */
public final class PromotingLoad {

    public static void main(String[] args) throws Exception {
        boolean paced = args[0].equals("paced");
        if (paced) {
            HeapPacer.watch();
        }
        MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals("Tenured Gen")).findFirst().orElseThrow();
        Thread.sleep(1_500); // the pacer arms itself a second after start
        old.resetPeakUsage();
        // 16 MB live: a queue of 1 KB messages, each replaced as it is consumed, at ~200 MB/s (a broker passing
        // 700k messages/s allocates ~500 MB/s, of which ~150 MB/s was promoted under a backlog)
        byte[][] backlog = new byte[16_384][];
        long start = System.nanoTime();
        long end = start + 3_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i++) {
            backlog[i & (backlog.length - 1)] = new byte[1024];
            if ((i & 1023) == 1023) {
                long due = start + (i >> 10) * 5_000_000L; // 1 MB per 5 ms
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
            }
        }
        System.out.println(old.getPeakUsage().getUsed() >> 20);
    }
}
