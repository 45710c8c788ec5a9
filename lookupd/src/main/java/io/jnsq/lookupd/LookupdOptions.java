package io.jnsq.lookupd;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.ListenAddress;
import io.jnsq.cli.NsqVersion;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** nsqlookupd's command-line flags, with nsqlookupd's names and defaults. */
@Command(name = "nsqlookupd", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "jnsq nsqlookupd: the NSQ discovery service (TCP protocol V1 and HTTP API of NSQ v1.3.0).")
public class LookupdOptions implements GoFlags.Validating {

    @Option(names = "--log-level", defaultValue = "info", description = "set log verbosity: debug, info, warn, error, or fatal")
    public String logLevel;

    @Option(names = "--log-prefix", defaultValue = "[nsqlookupd] ", description = "log message prefix")
    public String logPrefix;

    @Option(names = "--tcp-address", defaultValue = "0.0.0.0:4160", description = "<addr>:<port> to listen on for TCP clients")
    public String tcpAddress;

    @Option(names = "--http-address", defaultValue = "0.0.0.0:4161", description = "<addr>:<port> to listen on for HTTP clients")
    public String httpAddress;

    @Option(names = "--broadcast-address", description = "address of this lookupd node (default to the OS hostname)")
    public String broadcastAddress;

    @Option(names = "--inactive-producer-timeout", defaultValue = "300s", description = "duration of time a producer will remain in the active list since its last ping")
    public Duration inactiveProducerTimeout;

    @Option(names = "--tombstone-lifetime", defaultValue = "45s", description = "duration of time a producer will remain tombstoned if registration remains")
    public Duration tombstoneLifetime;

    @Option(names = "--config", description = "path to config file (not supported)")
    public String config;

    @Override
    public Optional<String> validate() {
        if (config != null) {
            return Optional.of("--config files are not supported; pass flags instead");
        }
        try {
            ListenAddress.port("--tcp-address", tcpAddress);
            ListenAddress.port("--http-address", httpAddress);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (broadcastAddress == null || broadcastAddress.isBlank()) {
            broadcastAddress = ListenAddress.hostname();
        }
        return Optional.empty();
    }

}
