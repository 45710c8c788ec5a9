package io.jnsq.admin;

import io.jnsq.cli.DaemonLauncher;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** {@code bin/nsqadmin}: parses nsqadmin's flags (exit 2 on a bad one), then serves until SIGTERM/SIGINT. */
@QuarkusMain
public class AdminMain {

    public static void main(String... args) {
        DaemonLauncher.run(new AdminOptions(), o -> o.httpAddress, o -> o.logLevel, OidcSignIn::quarkusConfig, args);
    }

    /** The parsed flags as a bean; without a command line (tests), from the config property jnsq.admin.args. */
    @Produces
    @Singleton
    AdminOptions options() {
        return DaemonLauncher.options(AdminOptions.class, AdminOptions::new, "jnsq.admin.args",
                "--lookupd-http-address=127.0.0.1:4161");
    }
}
