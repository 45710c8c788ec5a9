package io.jnsq.lookupd;

import io.jnsq.cli.DaemonLauncher;
import io.jnsq.protocol.http.NsqHttp;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** {@code bin/nsqlookupd}: parses nsqlookupd's flags (exit 2 on a bad one), then serves until SIGTERM/SIGINT. */
@QuarkusMain
public class LookupdMain {

    public static void main(String... args) {
        System.setProperty(NsqHttp.NO_URI_VALIDATION, "true"); // URIs Go takes reach the routes
        DaemonLauncher.run(new LookupdOptions(), o -> o.httpAddress, o -> o.logLevel, args);
    }

    /** The parsed flags as a bean; without a command line (tests), from the config property jnsq.lookupd.args. */
    @Produces
    @Singleton
    LookupdOptions options() {
        return DaemonLauncher.options(LookupdOptions.class, LookupdOptions::new, "jnsq.lookupd.args", "");
    }
}
