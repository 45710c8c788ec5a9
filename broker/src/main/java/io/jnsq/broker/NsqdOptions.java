package io.jnsq.broker;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.ListenAddress;
import io.jnsq.cli.NsqVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** nsqd's command-line flags, with nsqd's names and defaults. One instance per process, shared as a CDI bean. */
@Command(name = "nsqd", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "jnsq nsqd: the NSQ broker (TCP protocol V2 and HTTP API of NSQ v1.3.0).")
public class NsqdOptions implements GoFlags.Validating {

    @Option(names = "--node-id", defaultValue = "-1", description = "unique part for message IDs, (int) in range [0,1024) (default is hash of hostname)")
    public long nodeId;

    @Option(names = "--log-level", defaultValue = "info", description = "set log verbosity: debug, info, warn, error, or fatal")
    public String logLevel;

    @Option(names = "--log-prefix", defaultValue = "[nsqd] ", description = "log message prefix")
    public String logPrefix;

    @Option(names = "--tcp-address", defaultValue = "0.0.0.0:4150", description = "<addr>:<port> to listen on for TCP clients")
    public String tcpAddress;

    @Option(names = "--http-address", defaultValue = "0.0.0.0:4151", description = "<addr>:<port> to listen on for HTTP clients")
    public String httpAddress;

    @Option(names = "--https-address", defaultValue = "0.0.0.0:4152", description = "<addr>:<port> to listen on for HTTPS clients (served when --tls-cert and --tls-key are given)")
    public String httpsAddress;

    @Option(names = "--broadcast-address", description = "address that will be registered with lookupd (defaults to the OS hostname)")
    public String broadcastAddress;

    @Option(names = "--broadcast-tcp-port", defaultValue = "0", description = "TCP port that will be registered with lookupd (defaults to the TCP port)")
    public int broadcastTcpPort;

    @Option(names = "--broadcast-http-port", defaultValue = "0", description = "HTTP port that will be registered with lookupd (defaults to the HTTP port)")
    public int broadcastHttpPort;

    @Option(names = "--lookupd-tcp-address", description = "lookupd TCP address (may be given multiple times)")
    public List<String> lookupdTcpAddresses = new ArrayList<>();

    @Option(names = "--data-path", defaultValue = "", description = "path to store disk-backed messages")
    public String dataPath;

    @Option(names = "--mem-queue-size", defaultValue = "10000", description = "number of messages to keep in memory (per topic/channel)")
    public long memQueueSize;

    @Option(names = "--max-bytes-per-file", defaultValue = "104857600", description = "number of bytes per diskqueue file before rolling")
    public long maxBytesPerFile;

    @Option(names = "--sync-every", defaultValue = "2500", description = "number of messages per diskqueue fsync")
    public long syncEvery;

    @Option(names = "--sync-timeout", defaultValue = "2s", description = "duration of time per diskqueue fsync")
    public Duration syncTimeout;

    @Option(names = "--queue-scan-interval", defaultValue = "100ms", description = "how often to scan in-flight and deferred queues")
    public Duration queueScanInterval;

    @Option(names = "--queue-scan-refresh-interval", defaultValue = "5s", description = "accepted for compatibility")
    public Duration queueScanRefreshInterval;

    @Option(names = "--queue-scan-selection-count", defaultValue = "20", description = "accepted for compatibility")
    public int queueScanSelectionCount;

    @Option(names = "--queue-scan-worker-pool-max", defaultValue = "4", description = "accepted for compatibility")
    public int queueScanWorkerPoolMax;

    @Option(names = "--queue-scan-dirty-percent", defaultValue = "0.25", description = "accepted for compatibility")
    public double queueScanDirtyPercent;

    @Option(names = "--msg-timeout", defaultValue = "60s", description = "default duration to wait before auto-requeing a message")
    public Duration msgTimeout;

    @Option(names = "--max-msg-timeout", defaultValue = "15m", description = "maximum duration before a message will timeout")
    public Duration maxMsgTimeout;

    @Option(names = "--max-msg-size", defaultValue = "1048576", description = "maximum size of a single message in bytes")
    public long maxMsgSize;

    @Option(names = "--max-req-timeout", defaultValue = "1h", description = "maximum requeuing timeout for a message")
    public Duration maxReqTimeout;

    @Option(names = "--max-body-size", defaultValue = "5242880", description = "maximum size of a single command body")
    public long maxBodySize;

    @Option(names = "--client-timeout", defaultValue = "60s", description = "the default heartbeat interval is half of this")
    public Duration clientTimeout;

    @Option(names = "--max-heartbeat-interval", defaultValue = "60s", description = "maximum client configurable duration of time between client heartbeats")
    public Duration maxHeartbeatInterval;

    @Option(names = "--max-rdy-count", defaultValue = "2500", description = "maximum RDY count for a client")
    public long maxRdyCount;

    @Option(names = "--max-output-buffer-size", defaultValue = "65536", description = "maximum client configurable size (in bytes) for a client output buffer")
    public int maxOutputBufferSize;

    @Option(names = "--max-output-buffer-timeout", defaultValue = "30s", description = "maximum client configurable duration of time between flushing to a client")
    public Duration maxOutputBufferTimeout;

    @Option(names = "--min-output-buffer-timeout", defaultValue = "25ms", description = "minimum client configurable duration of time between flushing to a client")
    public Duration minOutputBufferTimeout;

    @Option(names = "--output-buffer-timeout", defaultValue = "250ms", description = "default duration of time between flushing data to clients")
    public Duration outputBufferTimeout;

    @Option(names = "--max-channel-consumers", defaultValue = "0", description = "maximum channel consumer connection count per nsqd instance (0 = unlimited)")
    public int maxChannelConsumers;

    @Option(names = "--deflate", defaultValue = "true", arity = "0..1", description = "enable deflate feature negotiation (client compression)")
    public boolean deflate;

    @Option(names = "--max-deflate-level", defaultValue = "6", description = "max deflate compression level a client can negotiate (> values == > nsqd CPU usage)")
    public int maxDeflateLevel;

    @Option(names = "--snappy", defaultValue = "true", arity = "0..1", description = "enable snappy feature negotiation (client compression)")
    public boolean snappy;

    @Option(names = "--e2e-processing-latency-percentile", split = ",", description = "message processing time percentiles (as float (0, 1.0]) to track (can be specified multiple times or comma separated '1.0,0.99,0.95')")
    public List<Double> e2eProcessingLatencyPercentiles = new ArrayList<>();

    @Option(names = "--e2e-processing-latency-window-time", defaultValue = "10m", description = "calculate end to end latency quantiles for this duration of time")
    public Duration e2eProcessingLatencyWindowTime;

    @Option(names = "--statsd-address", defaultValue = "", description = "UDP <addr>:<port> of a statsd daemon for pushing stats")
    public String statsdAddress;

    @Option(names = "--statsd-prefix", defaultValue = "nsq.%s", description = "prefix used for keys sent to statsd (%%s for host replacement)")
    public String statsdPrefix;

    @Option(names = "--statsd-interval", defaultValue = "60s", description = "duration between pushing to statsd")
    public Duration statsdInterval;

    @Option(names = "--statsd-mem-stats", defaultValue = "true", arity = "0..1", description = "toggle sending memory and GC stats to statsd")
    public boolean statsdMemStats;

    @Option(names = "--statsd-udp-packet-size", defaultValue = "508", description = "the size in bytes of statsd UDP packets")
    public int statsdUdpPacketSize;

    @Option(names = "--statsd-exclude-ephemeral", defaultValue = "false", arity = "0..1", description = "Skip ephemeral topics and channels when sending stats to statsd")
    public boolean statsdExcludeEphemeral;

    @Option(names = "--auth-http-address", description = "<addr>:<port> or a full url to query auth server (may be given multiple times)")
    public List<String> authHttpAddresses = new ArrayList<>();

    @Option(names = "--http-client-connect-timeout", defaultValue = "2s", description = "timeout for HTTP connect (to the auth servers)")
    public Duration httpClientConnectTimeout;

    @Option(names = "--http-client-request-timeout", defaultValue = "5s", description = "timeout for HTTP request (to the auth servers)")
    public Duration httpClientRequestTimeout;

    @Option(names = "--tls-cert", defaultValue = "", description = "path to certificate file")
    public String tlsCert;

    @Option(names = "--tls-key", defaultValue = "", description = "path to key file")
    public String tlsKey;

    @Option(names = "--tls-client-auth-policy", defaultValue = "", description = "client certificate auth policy ('require' or 'require-verify')")
    public String tlsClientAuthPolicy;

    @Option(names = "--tls-root-ca-file", defaultValue = "", description = "path to certificate authority file")
    public String tlsRootCaFile;

    @Option(names = "--tls-required", defaultValue = "false", arity = "0..1", fallbackValue = "true", description = "require TLS for client connections (true, false, tcp-https)")
    public String tlsRequired;

    @Option(names = "--tls-min-version", defaultValue = "tls1.0", description = "minimum SSL/TLS version acceptable ('ssl3.0', 'tls1.0', 'tls1.1', 'tls1.2' or 'tls1.3')")
    public String tlsMinVersion;

    @Option(names = "--config", description = "path to config file (not supported)")
    public String config;

    @Override
    public Optional<String> validate() {
        if (memQueueSize < 0) {
            return Optional.of("--mem-queue-size must be >= 0");
        }
        if (maxDeflateLevel < 1 || maxDeflateLevel > 9) {
            return Optional.of("--max-deflate-level must be in [1,9]");
        }
        if (nodeId >= 1024) {
            return Optional.of("--node-id must be in range [0,1024)");
        }
        for (double p : e2eProcessingLatencyPercentiles) {
            if (p <= 0 || p > 1) {
                return Optional.of("invalid E2E processing latency percentile: " + p);
            }
        }
        if (statsdUdpPacketSize < 1) {
            return Optional.of("--statsd-udp-packet-size must be > 0");
        }
        if (config != null) {
            return Optional.of("--config files are not supported; pass flags instead");
        }
        try {
            tcpPort();
            httpPort();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        Optional<String> tls = validateTls();
        if (tls.isPresent()) {
            return tls;
        }
        if (broadcastAddress == null || broadcastAddress.isBlank()) {
            broadcastAddress = hostname();
        }
        return Optional.empty();
    }

    /** nsqd's TLS levels: 0 not required, 1 required except on HTTP ({@code tcp-https}), 2 required everywhere. */
    public static final int TLS_NOT_REQUIRED = 0;
    public static final int TLS_REQUIRED_EXCEPT_HTTP = 1;
    public static final int TLS_REQUIRED = 2;

    /** The {@code --tls-required} level, raised to required when a client auth policy is set, as nsqd does. */
    public int tlsRequiredLevel() {
        String v = tlsRequired.toLowerCase();
        int level = v.equals("tcp-https") ? TLS_REQUIRED_EXCEPT_HTTP : goBool(v) ? TLS_REQUIRED : TLS_NOT_REQUIRED;
        if (level == TLS_NOT_REQUIRED && !tlsClientAuthPolicy.isEmpty()) {
            return TLS_REQUIRED;
        }
        return level;
    }

    /** TLS is offered (IDENTIFY tls_v1, HTTPS) when a certificate and key are given. */
    public boolean tlsEnabled() {
        return !tlsCert.isEmpty() || !tlsKey.isEmpty();
    }

    public boolean authEnabled() {
        return !authHttpAddresses.isEmpty();
    }

    private Optional<String> validateTls() {
        String v = tlsRequired.toLowerCase();
        if (!v.equals("tcp-https") && !List.of("1", "t", "true", "0", "f", "false").contains(v)) {
            return Optional.of("invalid value \"" + tlsRequired + "\" for flag -tls-required");
        }
        if (!List.of("", "ssl3.0", "tls1.0", "tls1.1", "tls1.2", "tls1.3").contains(tlsMinVersion.toLowerCase())) {
            return Optional.of("invalid value \"" + tlsMinVersion + "\" for flag -tls-min-version: unknown tlsVersionOption \""
                    + tlsMinVersion.toLowerCase() + "\"");
        }
        if (!List.of("", "require", "require-verify").contains(tlsClientAuthPolicy)) {
            return Optional.of("--tls-client-auth-policy must be 'require' or 'require-verify'");
        }
        if (tlsEnabled() && (tlsCert.isEmpty() || tlsKey.isEmpty())) {
            return Optional.of("failed to build TLS config - --tls-cert and --tls-key must be given together");
        }
        if (!tlsEnabled() && tlsRequiredLevel() != TLS_NOT_REQUIRED) {
            return Optional.of("cannot require TLS client connections without TLS key and cert");
        }
        for (String f : List.of(tlsCert, tlsKey, tlsRootCaFile)) {
            if (!f.isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(f))) {
                return Optional.of("failed to build TLS config - open " + f + ": no such file or directory");
            }
        }
        // what the TLS listener would otherwise refuse at start with a stack trace
        for (String f : List.of(tlsCert, tlsRootCaFile)) {
            if (!f.isEmpty() && !holdsCertificates(f)) {
                return Optional.of("failed to build TLS config - " + f + ": no PEM certificate found");
            }
        }
        if (!tlsKey.isEmpty()) {
            try {
                String pem = java.nio.file.Files.readString(java.nio.file.Path.of(tlsKey), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!pem.matches("(?s).*-----BEGIN (RSA |EC )?PRIVATE KEY-----.*")) {
                    return Optional.of("failed to build TLS config - " + tlsKey + ": no PEM private key found");
                }
            } catch (java.io.IOException e) {
                return Optional.of("failed to build TLS config - " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static boolean holdsCertificates(String file) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
            return !java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty();
        } catch (java.io.IOException | java.security.cert.CertificateException e) {
            return false;
        }
    }

    private static boolean goBool(String v) {
        return v.equals("1") || v.equals("t") || v.equals("true");
    }

    public String tcpHost() {
        return host(tcpAddress);
    }

    public int tcpPort() {
        return port("--tcp-address", tcpAddress);
    }

    public String httpHost() {
        return host(httpAddress);
    }

    public int httpPort() {
        return port("--http-address", httpAddress);
    }

    /** The TCP port lookupd and clients are told about. */
    public int advertisedTcpPort() {
        return broadcastTcpPort > 0 ? broadcastTcpPort : tcpPort();
    }

    /** The HTTP port lookupd and clients are told about. */
    public int advertisedHttpPort() {
        return broadcastHttpPort > 0 ? broadcastHttpPort : httpPort();
    }

    public static String hostname() {
        return ListenAddress.hostname();
    }

    static String host(String address) {
        return ListenAddress.host(address);
    }

    static int port(String flag, String address) {
        return ListenAddress.port(flag, address);
    }
}
