package io.jnsq.broker;

import io.jnsq.cli.GoFlags;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** {@code bin/nsqd}: parses nsqd's flags (exit 2 on a bad one), then runs the broker until SIGTERM/SIGINT. */
@QuarkusMain
public class NsqdMain {

    public static void main(String... args) {
        GoFlags.Parsed<NsqdOptions> parsed = GoFlags.parse(new NsqdOptions(), args);
        if (!parsed.shouldRun()) {
            System.exit(parsed.exitCode());
        }
        NsqdOptions options = parsed.options();
        System.setProperty("quarkus.http.host", options.httpHost());
        System.setProperty("quarkus.http.port", Integer.toString(options.httpPort()));
        System.setProperty("quarkus.log.level", quarkusLevel(options.logLevel));
        NsqdOptionsProducer.set(options);
        // nsqd exits 0 after a clean shutdown on SIGTERM/SIGINT; the JVM's default would report 143/130
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> Quarkus.asyncExit(0));
        }
        Quarkus.run(args);
    }

    static String quarkusLevel(String nsqLevel) {
        return switch (nsqLevel.toLowerCase()) {
            case "debug" -> "DEBUG";
            case "warn" -> "WARN";
            case "error", "fatal" -> "ERROR";
            default -> "INFO";
        };
    }
}
