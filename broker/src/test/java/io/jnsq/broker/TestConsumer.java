package io.jnsq.broker;

import io.jnsq.protocol.stats.ClientStats;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A channel consumer without a socket: a thread that pulls as its RDY allows, as a connection's pump does. */
class TestConsumer implements Consumer {

    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    private final Semaphore wakeups = new Semaphore(0);
    private final long msgTimeoutNanos;
    volatile boolean closed;

    TestConsumer(long msgTimeoutNanos) {
        this.msgTimeoutNanos = msgTimeoutNanos;
    }

    /** Takes up to {@code rdy - inFlight} messages; waits up to {@code waitMillis} for a wake-up when none is ready. */
    int pull(Channel channel, long rdy, List<Message> out, long waitMillis) throws InterruptedException {
        long room = rdy - inFlight.get();
        if (room <= 0) {
            return 0;
        }
        int n = channel.take(this, (int) room, out);
        if (n == 0) {
            wakeups.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
            return 0;
        }
        inFlight.addAndGet(n);
        return n;
    }

    boolean fin(Channel channel, Message m) {
        boolean ok = channel.finish(this, m.id) == null;
        if (ok) {
            inFlight.decrementAndGet();
        }
        return ok;
    }

    boolean req(Channel channel, Message m, long delayNanos) {
        boolean ok = channel.requeue(this, m.id, delayNanos) == null;
        if (ok) {
            inFlight.decrementAndGet();
        }
        return ok;
    }

    @Override
    public void wake() {
        wakeups.release();
    }

    @Override
    public void timedOut() {
        inFlight.decrementAndGet();
        timedOut.incrementAndGet();
        wakeups.release();
    }

    @Override
    public void emptied() {
        inFlight.set(0);
        wakeups.release();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public long msgTimeoutNanos() {
        return msgTimeoutNanos;
    }

    @Override
    public int sampleRate() {
        return 0;
    }

    @Override
    public ClientStats stats() {
        return null;
    }
}
