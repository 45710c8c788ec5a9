package io.jnsq.client;

import io.jnsq.protocol.Command;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Publishes to one nsqd over TCP: PUB, MPUB and DPUB, each acknowledged before returning. Thread-safe; the
 * connection is opened on first use, reused, and reopened once if it broke.
 */
public final class Producer implements AutoCloseable {

    private final String address;
    private final Config config;
    private Connection conn;

    public Producer(String nsqdTcpAddress, Config config) {
        this.address = nsqdTcpAddress;
        this.config = config;
    }

    public Producer(String nsqdTcpAddress) {
        this(nsqdTcpAddress, new Config());
    }

    public String address() {
        return address;
    }

    public void publish(String topic, byte[] body) throws IOException {
        send("PUB " + topic, body);
    }

    public void publish(String topic, List<byte[]> bodies) throws IOException {
        if (bodies.isEmpty()) {
            return;
        }
        send("MPUB " + topic, Command.mpubBody(bodies));
    }

    public void publishDeferred(String topic, byte[] body, Duration delay) throws IOException {
        send("DPUB " + topic + " " + delay.toMillis(), body);
    }

    private synchronized void send(String line, byte[] body) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (conn == null || conn.isClosed()) {
                conn = new Connection(address, config);
            }
            try {
                conn.command(line, body);
                return;
            } catch (NsqException e) {
                if (!conn.isClosed() || attempt > 0 || !e.getMessage().startsWith("E_CONNECTION_CLOSED")) {
                    throw e;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (conn != null) {
            conn.close();
            conn = null;
        }
    }
}
