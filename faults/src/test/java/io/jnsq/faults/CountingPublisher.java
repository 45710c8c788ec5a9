package io.jnsq.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes numbered messages over TCP (PUB, or MPUB batches) until stopped or the broker goes away, and remembers
 * every number the broker acknowledged: what a crash test checks against what is delivered afterwards.
 */
final class CountingPublisher implements Runnable {

    final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private final int port;
    private final String topic;
    private final int batch;
    private volatile boolean stop;
    private volatile int next;
    private final Thread thread;

    /** {@code batch} 1 publishes with PUB, more with MPUB; numbers start at {@code first}. */
    CountingPublisher(int port, String topic, int batch, int first) {
        this.port = port;
        this.topic = topic;
        this.batch = batch;
        this.next = first;
        this.thread = new Thread(this, "counting-publisher");
    }

    CountingPublisher start() {
        thread.start();
        return this;
    }

    int sent() {
        return next;
    }

    @Override
    public void run() {
        try (NsqTcp c = new NsqTcp(port)) {
            while (!stop) {
                List<byte[]> bodies = new ArrayList<>();
                int from = next;
                for (int i = 0; i < batch; i++) {
                    bodies.add(Integer.toString(next++).getBytes(StandardCharsets.US_ASCII));
                }
                boolean ok = batch == 1 ? c.pub(topic, bodies.get(0)) : c.mpub(topic, bodies);
                if (!ok) {
                    return;
                }
                for (int i = from; i < next; i++) {
                    acknowledged.add(i);
                }
            }
        } catch (Exception brokerGone) {
            // the crash under test
        }
    }

    /** Stops and waits (up to 30 s) for the thread. */
    void stop() throws InterruptedException {
        stop = true;
        thread.join(30_000);
    }

    void awaitAcknowledged(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (acknowledged.size() < count && thread.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }
}
