package io.jnsq.lookupd;

import io.jnsq.cli.GoFlags;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/** {@code bin/nsqlookupd}: parses nsqlookupd's flags (exit 2 on a bad one), then serves until SIGTERM/SIGINT. */
@QuarkusMain
public class LookupdMain {

    private static volatile LookupdOptions fromCommandLine;

    public static void main(String... args) {
        GoFlags.Parsed<LookupdOptions> parsed = GoFlags.parse(new LookupdOptions(), args);
        if (!parsed.shouldRun()) {
            System.exit(parsed.exitCode());
        }
        LookupdOptions o = parsed.options();
        System.setProperty("quarkus.http.host", LookupdOptions.host(o.httpAddress));
        System.setProperty("quarkus.http.port", Integer.toString(LookupdOptions.port("--http-address", o.httpAddress)));
        fromCommandLine = o;
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> Quarkus.asyncExit(0));
        }
        Quarkus.run(args);
    }

    /** The parsed flags as a bean; without a command line (tests), from the config property jnsq.lookupd.args. */
    @Produces
    @Singleton
    LookupdOptions options() {
        if (fromCommandLine != null) {
            return fromCommandLine;
        }
        String args = ConfigProvider.getConfig().getOptionalValue("jnsq.lookupd.args", String.class).orElse("");
        var parsed = GoFlags.parse(new LookupdOptions(), args.isBlank() ? new String[0] : args.trim().split("\\s+"));
        if (!parsed.shouldRun()) {
            throw new IllegalArgumentException("invalid jnsq.lookupd.args: " + args);
        }
        return parsed.options();
    }
}
