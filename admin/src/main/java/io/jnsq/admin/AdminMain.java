package io.jnsq.admin;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.ListenAddress;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/** {@code bin/nsqadmin}: parses nsqadmin's flags (exit 2 on a bad one), then serves until SIGTERM/SIGINT. */
@QuarkusMain
public class AdminMain {

    private static volatile AdminOptions fromCommandLine;

    public static void main(String... args) {
        GoFlags.Parsed<AdminOptions> parsed = GoFlags.parse(new AdminOptions(), args);
        if (!parsed.shouldRun()) {
            System.exit(parsed.exitCode());
        }
        AdminOptions o = parsed.options();
        System.setProperty("quarkus.http.host", ListenAddress.host(o.httpAddress));
        System.setProperty("quarkus.http.port", Integer.toString(ListenAddress.port("--http-address", o.httpAddress)));
        fromCommandLine = o;
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> Quarkus.asyncExit(0));
        }
        Quarkus.run(args);
    }

    /** The parsed flags as a bean; without a command line (tests), from the config property jnsq.admin.args. */
    @Produces
    @Singleton
    AdminOptions options() {
        if (fromCommandLine != null) {
            return fromCommandLine;
        }
        String args = ConfigProvider.getConfig().getOptionalValue("jnsq.admin.args", String.class)
                .orElse("--lookupd-http-address=127.0.0.1:4161");
        var parsed = GoFlags.parse(new AdminOptions(), args.isBlank() ? new String[0] : args.trim().split("\\s+"));
        if (!parsed.shouldRun()) {
            throw new IllegalArgumentException("invalid jnsq.admin.args: " + args);
        }
        return parsed.options();
    }
}
