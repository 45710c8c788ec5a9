package io.jnsq.broker;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * nsqd's {@code /config/:opt}: every flag readable under its config name ({@code mem_queue_size},
 * {@code nsqlookupd_tcp_addresses}, ...), and the two nsqd lets you change at run time: the lookupds and the log level.
 */
final class NsqdConfig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LEVELS = List.of("", "debug", "info", "warn", "error", "fatal");

    private final NsqdOptions opts;
    private final Event<LookupdAddressesChanged> lookupdChanges;
    /** The flags' picocli model, built at the first GET /config (reflection over every flag: not at start-up). */
    private CommandLine.Model.CommandSpec spec;

    NsqdConfig(NsqdOptions opts, Event<LookupdAddressesChanged> lookupdChanges) {
        this.opts = opts;
        this.lookupdChanges = lookupdChanges;
    }

    /** The value nsqd would return as JSON, or null for an unknown option. */
    Object get(String name) {
        if (name.equals("nsqlookupd_tcp_addresses")) {
            return opts.lookupdTcpAddresses;
        }
        switch (name) {
            case "auth_http_addresses" -> {
                return opts.authHttpAddresses;
            }
            case "tls_required" -> {
                return opts.tlsRequiredLevel();
            }
            case "tls_min_version" -> { // Go's tls.VersionTLS1x constants
                return 0x0301 + (4 - ServerTls.protocolsFrom(opts.tlsMinVersion).size());
            }
            default -> {
            }
        }
        if (name.equals("log_level")) {
            return Math.max(2, LEVELS.indexOf(opts.logLevel.toLowerCase()));
        }
        for (OptionSpec o : spec().options()) {
            String cfg = o.longestName().replaceFirst("^--", "").replace('-', '_');
            if (cfg.equals(name) && !cfg.equals("help") && !cfg.equals("version")) {
                Object v = o.getValue();
                return v instanceof Duration d ? d.toNanos() : v;
            }
        }
        return null;
    }

    private synchronized CommandLine.Model.CommandSpec spec() {
        if (spec == null) {
            spec = CommandLine.Model.CommandSpec.forAnnotatedObject(opts);
        }
        return spec;
    }

    /** Applies a PUT; returns nsqd's error message or null. */
    String set(String name, String body) {
        switch (name) {
            case "nsqlookupd_tcp_addresses" -> {
                try {
                    List<String> addrs = JSON.readValue(body, new TypeReference<List<String>>() { });
                    opts.lookupdTcpAddresses = new ArrayList<>(addrs);
                    lookupdChanges.fire(new LookupdAddressesChanged(List.copyOf(addrs)));
                    return null;
                } catch (Exception e) {
                    return "INVALID_VALUE";
                }
            }
            case "log_level" -> {
                String level = body.trim().toLowerCase();
                if (!LEVELS.contains(level) || level.isEmpty()) {
                    return "INVALID_VALUE";
                }
                opts.logLevel = level;
                java.util.logging.Logger.getLogger("io.jnsq").setLevel(switch (level) {
                    case "debug" -> Level.FINE;
                    case "warn" -> Level.WARNING;
                    case "error", "fatal" -> Level.SEVERE;
                    default -> Level.INFO;
                });
                return null;
            }
            default -> {
                return "INVALID_OPTION";
            }
        }
    }
}
