package io.jnsq.broker;

import io.jnsq.cli.GoFlags;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Makes the parsed command line available as a CDI bean. {@link NsqdMain} parses the real command line; when the
 * application starts without it (tests), the flags come from the config property {@code jnsq.nsqd.args}.
 */
public class NsqdOptionsProducer {

    private static volatile NsqdOptions fromCommandLine;

    static void set(NsqdOptions options) {
        fromCommandLine = options;
    }

    @Produces
    @Singleton
    NsqdOptions options() {
        if (fromCommandLine != null) {
            return fromCommandLine;
        }
        String args = ConfigProvider.getConfig().getOptionalValue("jnsq.nsqd.args", String.class).orElse("");
        GoFlags.Parsed<NsqdOptions> parsed = GoFlags.parse(new NsqdOptions(), args.isBlank() ? new String[0] : args.trim().split("\\s+"));
        if (!parsed.shouldRun()) {
            throw new IllegalArgumentException("invalid jnsq.nsqd.args: " + args);
        }
        return parsed.options();
    }
}
