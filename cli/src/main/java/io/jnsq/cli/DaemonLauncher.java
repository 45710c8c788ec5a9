package io.jnsq.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.QuarkusBindException;
import java.net.BindException;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * How the NSQ daemons (nsqd, nsqlookupd, nsqadmin) start: NSQ's flags parsed first (exit 0 after {@code --help} or
 * {@code --version}, exit 2 on a bad flag), HTTP served on {@code --http-address}, logging at {@code --log-level},
 * and a clean exit 0 on SIGTERM or SIGINT, where the JVM would report 143 or 130. The parsed flags are then served to
 * the application as its options bean; memory a load took is given back once it is over ({@link IdleMemory}).
 * Quarkus is an optional dependency of this module: only the daemons use it.
 */
public final class DaemonLauncher {

    private static volatile Object fromCommandLine; // one daemon per JVM

    private DaemonLauncher() {
    }

    /**
     * Parses {@code args} into {@code options} and runs the Quarkus application until a signal stops it.
     *
     * @param httpAddress the parsed {@code --http-address}
     * @param logLevel the parsed {@code --log-level}
     */
    public static <T> void run(T options, Function<T, String> httpAddress, Function<T, String> logLevel, String... args) {
        run(options, httpAddress, logLevel, o -> Map.of(), args);
    }

    /**
     * As {@link #run(Object, Function, Function, String...)}, with Quarkus configuration that the parsed flags imply
     * (for what Quarkus itself runs, such as an OIDC tenant), set before Quarkus starts.
     */
    public static <T> void run(T options, Function<T, String> httpAddress, Function<T, String> logLevel,
            Function<T, Map<String, String>> quarkusConfig, String... args) {
        GoFlags.Parsed<T> parsed = GoFlags.parse(options, args);
        if (!parsed.shouldRun()) {
            System.exit(parsed.exitCode());
        }
        T o = parsed.options();
        String http = httpAddress.apply(o);
        System.setProperty("quarkus.http.host", ListenAddress.host(http));
        System.setProperty("quarkus.http.port", Integer.toString(ListenAddress.port("--http-address", http)));
        System.setProperty("quarkus.log.level", quarkusLevel(logLevel.apply(o)));
        quarkusConfig.apply(o).forEach(System::setProperty);
        fromCommandLine = o;
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                stopRequested = true; // Quarkus.asyncExit does nothing before Quarkus runs the application
                Quarkus.asyncExit(0);
            });
        }
        IdleMemory.watch();
        HeapPacer.watch();
        Quarkus.run(Serve.class, args);
    }

    private static volatile boolean stopRequested;

    /**
     * The application Quarkus runs once started: it serves until a signal asks it to stop, also a signal that came
     * while Quarkus was still starting (Kubernetes stopping a pod that was starting; Ctrl-C on {@code bin/quickstart}),
     * which {@link Quarkus#asyncExit} alone would have lost, leaving the daemon running.
     */
    public static final class Serve implements QuarkusApplication {
        @Override
        public int run(String... args) {
            if (!stopRequested) {
                Quarkus.waitForExit();
            }
            return 0;
        }
    }

    /**
     * The options {@link #run} parsed; when the application started without a command line (tests), the flags in the
     * config property {@code property}, or {@code defaults} when it is not set.
     */
    public static <T> T options(Class<T> type, Supplier<T> fresh, String property, String defaults) {
        Object given = fromCommandLine;
        if (type.isInstance(given)) {
            return type.cast(given);
        }
        String args = ConfigProvider.getConfig().getOptionalValue(property, String.class).orElse(defaults);
        GoFlags.Parsed<T> parsed = GoFlags.parse(fresh.get(), args.isBlank() ? new String[0] : args.trim().split("\\s+"));
        if (!parsed.shouldRun()) {
            throw new IllegalArgumentException("invalid " + property + ": " + args);
        }
        return parsed.options();
    }

    /**
     * Waits for a TCP listener to bind. When its port is taken, Quarkus is told so with its own bind exception, and
     * prints "Port N seems to be in use" and exits 1, as it does for the HTTP port, instead of a stack trace.
     */
    public static <T> T listening(CompletionStage<T> listen, String address) throws Exception {
        try {
            return listen.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException bind) {
                    throw new QuarkusBindException(ListenAddress.host(address), ListenAddress.port("--tcp-address", address), bind);
                }
            }
            throw e;
        }
    }

    /** NSQ's log levels as Quarkus names them. */
    public static String quarkusLevel(String nsqLevel) {
        return switch (nsqLevel.toLowerCase()) {
            case "debug" -> "DEBUG";
            case "warn" -> "WARN";
            case "error", "fatal" -> "ERROR";
            default -> "INFO";
        };
    }
}
