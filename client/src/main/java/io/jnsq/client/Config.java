package io.jnsq.client;

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
    public Duration dialTimeout = Duration.ofSeconds(2);

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
