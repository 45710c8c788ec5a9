package io.jnsq.broker;

import io.jnsq.cli.DaemonLauncher;
import io.jnsq.protocol.http.NsqHttp;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** {@code bin/nsqd}: parses nsqd's flags (exit 2 on a bad one), then runs the broker until SIGTERM/SIGINT. */
@QuarkusMain
public class NsqdMain {

    public static void main(String... args) {
        System.setProperty(NsqHttp.NO_URI_VALIDATION, "true"); // URIs Go takes reach the routes
        DaemonLauncher.run(new NsqdOptions(), o -> o.httpAddress, o -> o.logLevel, args);
    }

    /** The parsed flags as a bean; without a command line (tests), from the config property jnsq.nsqd.args. */
    @Produces
    @Singleton
    NsqdOptions options() {
        return DaemonLauncher.options(NsqdOptions.class, NsqdOptions::new, "jnsq.nsqd.args", "");
    }
}
