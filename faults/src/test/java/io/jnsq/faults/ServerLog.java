package io.jnsq.faults;

import io.jnsq.testing.RealProcesses.Run;
import java.io.IOException;
import java.util.List;

/** What a server wrote to its standard output and error, for checks on how it reported a fault. */
final class ServerLog {

    private ServerLog() {
    }

    static String of(Run run) throws IOException {
        return run.output() + run.errors();
    }

    /** Lines of a Java stack trace, or of an exception's name, in the log: client input must never cause them. */
    static List<String> stackTraceLines(String log) {
        return log.lines().filter(l -> l.startsWith("\tat ") || l.matches("^(Caused by: )?[a-z]+(\\.[a-z0-9]+)+\\.[A-Z]\\w*(Exception|Error).*"))
                .toList();
    }

    static long linesContaining(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).count();
    }
}
