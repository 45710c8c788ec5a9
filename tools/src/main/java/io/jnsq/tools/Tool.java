package io.jnsq.tools;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** What every tool does the same way: log lines like NSQ's, and usage errors with exit code 2. */
final class Tool {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS");

    private Tool() {
    }

    static void log(String prefix, String line) {
        System.err.println(prefix + LocalDateTime.now().format(TS) + " INFO: " + line);
    }

    /** A latch released by SIGTERM or SIGINT, which no longer end the JVM: the tool stops cleanly and exits 0. */
    static java.util.concurrent.CountDownLatch onTermOrInt() {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> latch.countDown());
        }
        return latch;
    }

    static int usage(String tool, String problem) {
        System.err.println(tool + ": " + problem);
        System.err.println("Run '" + tool + " --help' for the list of flags.");
        return 2;
    }
}
