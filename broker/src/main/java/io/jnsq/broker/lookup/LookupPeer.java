package io.jnsq.broker.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * This broker's connection to one nsqlookupd (nsqd's lookup_peer): connects, IDENTIFYs, registers every topic and
 * channel it has, then sends REGISTER/UNREGISTER as they change and PING every 15 s. When the lookupd goes away it
 * reconnects with backoff (1 s doubling to 15 s) and registers everything again. One thread per lookupd.
 */
final class LookupPeer implements Runnable {

    private static final Logger LOG = Logger.getLogger(LookupPeer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PING_MILLIS = 15_000;

    final String address;
    private final byte[] identifyBody;
    private final Supplier<List<String>> registrations;
    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private volatile Socket socket;
    private volatile int lookupdHttpPort;
    private final Thread thread;

    /**
     * @param registrations the REGISTER commands for everything the broker has now, asked at each (re)connect
     */
    LookupPeer(String address, byte[] identifyBody, Supplier<List<String>> registrations) {
        this.address = address;
        this.identifyBody = identifyBody;
        this.registrations = registrations;
        this.thread = new Thread(this, "lookup-peer-" + address);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void send(String command) {
        commands.add(command);
    }

    /** The lookupd's HTTP address as it told us in IDENTIFY, or null before that. */
    String httpAddress() {
        int port = lookupdHttpPort;
        return port == 0 ? null : host() + ":" + port;
    }

    void stop() {
        running = false;
        thread.interrupt();
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void run() {
        long backoff = 1000;
        while (running) {
            try (Socket s = new Socket()) {
                socket = s;
                s.connect(new InetSocketAddress(host(), port()), 5000);
                s.setSoTimeout(30_000);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                out.write("  V1".getBytes(StandardCharsets.US_ASCII));
                out.write("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII));
                out.writeInt(identifyBody.length);
                out.write(identifyBody);
                out.flush();
                String identity = read(in);
                JsonNode info = JSON.readTree(identity);
                lookupdHttpPort = info.path("http_port").asInt(0);
                LOG.infof("LOOKUPD(%s): peer info %s", address, identity);
                backoff = 1000;
                commands.clear(); // the full registration below supersedes anything queued
                for (String command : registrations.get()) {
                    exchange(out, in, command);
                }
                long nextPing = System.currentTimeMillis() + PING_MILLIS;
                while (running) {
                    String command = commands.poll(Math.max(1, nextPing - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                    if (command != null) {
                        exchange(out, in, command);
                    }
                    if (System.currentTimeMillis() >= nextPing) {
                        exchange(out, in, "PING");
                        nextPing = System.currentTimeMillis() + PING_MILLIS;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("LOOKUPD(%s): %s; reconnecting in %d ms", address, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 15_000);
            }
        }
    }

    private void exchange(DataOutputStream out, DataInputStream in, String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String response = read(in);
        if (!response.equals("OK")) {
            LOG.warnf("LOOKUPD(%s): %s answered %s", address, command, response);
        }
    }

    private static String read(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 1024 * 1024) {
            throw new IOException("invalid response size " + size);
        }
        byte[] data = new byte[size];
        in.readFully(data);
        return new String(data, StandardCharsets.UTF_8);
    }

    private String host() {
        return address.substring(0, address.lastIndexOf(':'));
    }

    private int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }
}
