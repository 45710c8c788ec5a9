package io.jnsq.client;

import io.jnsq.cli.GoDuration;
import java.net.InetAddress;
import java.time.Duration;

/** How a producer or consumer identifies itself and behaves. Mutable before use; not after. */
public final class Config {

    public String clientId = shortHostname();
    public String hostname = hostname();
    public String userAgent = "jnsq-client/" + Config.class.getPackage().getImplementationVersion();
    public Duration heartbeatInterval = Duration.ofSeconds(30);
    /** 0 keeps the broker's default. */
    public Duration msgTimeout = Duration.ZERO;
    public int maxInFlight = 1;
    public Duration lookupdPollInterval = Duration.ofSeconds(60);
    /** Messages delivered this many times are finished without the handler (0: never give up). */
    public int maxAttempts = 5;
    /** Delay of a requeue after a failed handler, times the attempt number, capped at {@link #maxRequeueDelay}. */
    public Duration requeueDelay = Duration.ofSeconds(1);
    public Duration maxRequeueDelay = Duration.ofSeconds(60);
    /** After a failed handler the consumer stops taking messages for this, doubled per failure in a row. */
    public Duration backoffMultiplier = Duration.ofSeconds(1);
    public Duration maxBackoffDuration = Duration.ofMinutes(2);
    public Duration dialTimeout = Duration.ofSeconds(2);
    /** Stream compression asked of the broker at IDENTIFY (at most one of the two). */
    public boolean deflate;
    public int deflateLevel = 6;
    public boolean snappy;
    /** Ask nsqd for TLS at IDENTIFY ({@code tls_v1}); the other {@code tls*} fields configure it. */
    public boolean tlsV1;
    /** PEM file of the CAs that sign nsqd's certificate; empty: the JVM's trust store. */
    public String tlsRootCaFile = "";
    /** Accept any server certificate and name (for tests only). */
    public boolean tlsInsecureSkipVerify;
    /** PEM client certificate and key, for nsqd's {@code --tls-client-auth-policy}. */
    public String tlsCert = "";
    public String tlsKey = "";
    /** Oldest TLS version accepted: {@code tls1.0} (default), {@code tls1.1}, {@code tls1.2} or {@code tls1.3}. */
    public String tlsMinVersion = "";
    /** Sent with AUTH when nsqd answers IDENTIFY with {@code auth_required}. */
    public String authSecret = "";

    /**
     * Sets one option given as go-nsq's {@code ConfigFlag} takes it ({@code name,value}, e.g.
     * {@code max_in_flight,100}), as the tools' {@code --consumer-opt}/{@code --producer-opt} pass them.
     *
     * @throws IllegalArgumentException for an unknown option or a bad value, with a message saying which
     */
    public void set(String option) {
        int comma = option.indexOf(',');
        if (comma <= 0) {
            throw new IllegalArgumentException("invalid option '" + option + "' (want name,value)");
        }
        String name = option.substring(0, comma).trim().replace('-', '_');
        String value = option.substring(comma + 1).trim();
        try {
            switch (name) {
                case "client_id" -> clientId = value;
                case "hostname" -> hostname = value;
                case "user_agent" -> userAgent = value;
                case "heartbeat_interval" -> heartbeatInterval = GoDuration.parse(value);
                case "msg_timeout" -> msgTimeout = GoDuration.parse(value);
                case "max_in_flight" -> maxInFlight = Integer.parseInt(value);
                case "lookupd_poll_interval" -> lookupdPollInterval = GoDuration.parse(value);
                case "max_attempts" -> maxAttempts = Integer.parseInt(value);
                case "default_requeue_delay" -> requeueDelay = GoDuration.parse(value);
                case "max_requeue_delay" -> maxRequeueDelay = GoDuration.parse(value);
                case "backoff_multiplier" -> backoffMultiplier = GoDuration.parse(value);
                case "max_backoff_duration" -> maxBackoffDuration = GoDuration.parse(value);
                case "dial_timeout" -> dialTimeout = GoDuration.parse(value);
                case "deflate" -> deflate = Boolean.parseBoolean(value);
                case "deflate_level" -> deflateLevel = Integer.parseInt(value);
                case "snappy" -> snappy = Boolean.parseBoolean(value);
                case "tls_v1" -> tlsV1 = bool(value);
                case "tls_root_ca_file" -> tlsRootCaFile = value;
                case "tls_insecure_skip_verify" -> tlsInsecureSkipVerify = bool(value);
                case "tls_cert" -> tlsCert = value;
                case "tls_key" -> tlsKey = value;
                case "tls_min_version" -> {
                    ClientTls.protocolsFrom(value);
                    tlsMinVersion = value;
                }
                case "auth_secret" -> authSecret = value;
                default -> throw new IllegalArgumentException("unknown option '" + name + "'");
            }
        } catch (NumberFormatException | NsqException e) {
            throw new IllegalArgumentException("invalid value '" + value + "' for option " + name);
        }
        if (deflate && snappy) {
            throw new IllegalArgumentException("deflate and snappy are mutually exclusive");
        }
    }

    /** Go's strconv.ParseBool, as go-nsq's ConfigFlag reads booleans. */
    private static boolean bool(String value) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new NumberFormatException(value);
        };
    }

    public static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    static String shortHostname() {
        return hostname().split("\\.")[0];
    }
}
