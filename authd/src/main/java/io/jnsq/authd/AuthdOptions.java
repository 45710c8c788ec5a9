package io.jnsq.authd;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.ListenAddress;
import io.jnsq.cli.NsqVersion;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** nsq_authd's flags. */
@Command(name = "nsq_authd", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "Answers nsqd's --auth-http-address queries (GET /auth) from a file of identities and permissions.")
public final class AuthdOptions implements GoFlags.Validating {

    @Option(names = "--http-address", defaultValue = "0.0.0.0:4181", description = "<addr>:<port> to listen on for nsqd's auth queries")
    String httpAddress;

    @Option(names = "--auth-file", required = true, description = "JSON file of identities, secrets and permissions (re-read when it changes)")
    String authFile;

    @Option(names = "--ttl", defaultValue = "3600", description = "seconds nsqd may keep an answer before asking again (the file's \"ttl\" overrides)")
    int ttl;

    @Override
    public Optional<String> validate() {
        if (ttl <= 0) {
            return Optional.of("--ttl must be > 0");
        }
        try {
            ListenAddress.port("--http-address", httpAddress);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }
}
