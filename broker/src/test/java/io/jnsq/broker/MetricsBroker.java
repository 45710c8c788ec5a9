package io.jnsq.broker;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The test broker of {@link TempDataPath} that also tracks E2E latency percentiles (1.0 and 0.5), times messages out
 * after 1 s, and pushes to statsd every second at {@link #statsd}, a UDP socket the test reads. Tests use it through
 * {@link Profile}, which keeps the other tests' broker ({@link TempDataPath}, global) out of it.
 */
public class MetricsBroker extends TempDataPath {

    /** The metrics tests' application: this broker only. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MetricsBroker.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static volatile DatagramSocket statsd;

    @Override
    public Map<String, String> start() {
        try {
            statsd = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>(super.start());
        config.put("jnsq.nsqd.args", config.get("jnsq.nsqd.args").replace("--msg-timeout=2s", "--msg-timeout=1s")
                + " --e2e-processing-latency-percentile=1.0,0.5 --statsd-address=127.0.0.1:" + statsd.getLocalPort()
                + " --statsd-interval=1s --statsd-prefix=jnsq.%s --statsd-mem-stats=false");
        return config;
    }

    @Override
    public void stop() {
        statsd.close();
        super.stop();
    }
}
