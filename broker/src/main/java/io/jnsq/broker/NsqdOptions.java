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
@Command(name = "nsqd", mixinStandardHelpOptions = true, versionProvider = NsqVersion.class, sortOptions = false,
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

    @Option(names = "--https-address", defaultValue = "0.0.0.0:4152", description = "<addr>:<port> to listen on for HTTPS clients (accepted; TLS not served)")
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

    @Option(names = "--auth-http-address", description = "<addr>:<port> to query auth server (not supported yet: AUTH answers E_AUTH_DISABLED)")
    public List<String> authHttpAddresses = new ArrayList<>();

    @Option(names = "--tls-required", defaultValue = "0", description = "accepted for compatibility (TLS is not offered)")
    public int tlsRequired;

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
        if (broadcastAddress == null || broadcastAddress.isBlank()) {
            broadcastAddress = hostname();
        }
        return Optional.empty();
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
