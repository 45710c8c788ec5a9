package io.jnsq.broker;

import io.jnsq.broker.storage.BackendQueue;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.ClientStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * A channel: one copy of a topic's stream, shared by its consumers. Holds the ready queue (memory, then its
 * {@link Backlog} on disk), the in-flight messages with their timeouts, and the deferred ones.
 *
 * <p>Delivery is pulled, as in nsqd where each client's message pump reads the channel: a consumer with RDY to
 * spare calls {@link #take} from its own thread; when there is nothing to take it is remembered as waiting, and
 * the next message that becomes ready {@link Consumer#wake wakes} one waiting consumer. Nothing here writes to a
 * socket or waits for the disk. One lock (the channel itself) guards the queues and the waiting list.
 */
final class Channel {

    private static final Logger LOG = Logger.getLogger(Channel.class);
    private static final Comparator<Message> BY_DUE_TIME = Comparator.comparingLong(m -> m.deferredUntil);

    final Topic topic;
    final String name;
    final boolean ephemeral;

    private final Nsqd nsqd;
    private final long memQueueSize;
    private final boolean durable;
    // queues start at their smallest and grow with use: 100,000 idle channels must cost next to nothing
    private final ArrayDeque<Message> memory = new ArrayDeque<>(0);
    private final Backlog backlog;
    /** Durable mode: DPUBs with their due time, fsynced before OK, replayed on start (null otherwise). */
    private final BackendQueue deferredJournal;
    private final InFlightMessages inFlight = new InFlightMessages();
    private final InFlightQueue inFlightQueue = new InFlightQueue();
    private final PriorityQueue<Message> deferred = new PriorityQueue<>(1, BY_DUE_TIME);
    private final List<Consumer> consumers = new ArrayList<>(0);
    private final ArrayDeque<Consumer> waiting = new ArrayDeque<>(0);
    private final LatencyWindow e2e;
    private boolean paused;
    private boolean deleted;
    private boolean scanned; // in the broker's set of channels the queue scanner visits

    private long messageCount;
    private long requeueCount;
    private long timeoutCount;

    Channel(Topic topic, String name, Nsqd nsqd) {
        this.topic = topic;
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.nsqd = nsqd;
        this.memQueueSize = nsqd.memQueueSize();
        this.durable = nsqd.durable();
        this.e2e = nsqd.newLatencyWindow();
        this.backlog = new Backlog(nsqd.backends().open(topic.name + ":" + name, ephemeral), nsqd.storage().newLane(),
                durable, this::backlogArrived, nsqd::reportHealth);
        this.deferredJournal = durable && !ephemeral
                ? nsqd.backends().open(topic.name + ":" + name + ".deferred", false) : null;
        replayDeferredJournal();
    }

    // ---- from the topic ----

    /** Whether {@code n} more messages fit without refusing (memory room, or a backlog that stores). */
    synchronized boolean canAccept(int n) {
        return !deleted && (memory.size() + n <= memQueueSize && backlog.isEmpty() || backlog.acceptsWrites());
    }

    /**
     * Takes published messages (copies when the topic has other channels too: delivery state is per channel). The
     * future completes once what had to go to disk is there; memory-only batches complete at once.
     */
    CompletableFuture<Void> put(List<Message> batch, boolean copy) {
        List<Message> deferredNow = null;
        CompletableFuture<Void> written;
        int ready = 0;
        synchronized (this) {
            if (deleted) {
                return Backlog.DONE;
            }
            List<Message> toDisk = null;
            for (Message original : batch) {
                Message m = copy ? original.copy() : original;
                messageCount++;
                if (m.deferredUntil > 0) {
                    deferred.add(m);
                    scanFromNowOn();
                    if (deferredJournal != null) {
                        if (deferredNow == null) {
                            deferredNow = new ArrayList<>();
                        }
                        deferredNow.add(m);
                    }
                } else if (toDisk == null && memory.size() < memQueueSize && backlog.isEmpty()) {
                    memory.add(m);
                    ready++;
                } else {
                    if (toDisk == null) {
                        toDisk = new ArrayList<>();
                    }
                    toDisk.add(m);
                }
            }
            written = toDisk == null ? Backlog.DONE : backlog.write(toDisk);
            wakeWaiting(ready);
        }
        if (deferredNow != null) {
            List<Message> journal = deferredNow;
            CompletableFuture<Void> journaled = backlog.run(() -> journalDeferred(journal));
            written = written == Backlog.DONE ? journaled : CompletableFuture.allOf(written, journaled);
        }
        return written;
    }

    // ---- from consumers ----

    synchronized void addConsumer(Consumer c) {
        consumers.add(c);
    }

    /** A consumer left. Its in-flight messages time out and are redelivered, as in nsqd. */
    void removeConsumer(Consumer c) {
        boolean nowEmpty;
        synchronized (this) {
            consumers.remove(c);
            waiting.remove(c);
            nowEmpty = consumers.isEmpty();
        }
        if (nowEmpty && ephemeral) {
            topic.deleteChannel(name);
        }
    }

    synchronized int consumerCount() {
        return consumers.size();
    }

    /**
     * Moves up to {@code max} ready messages into flight for {@code c} and adds them to {@code out}. When none is
     * ready, {@code c} is woken when one is.
     */
    synchronized int take(Consumer c, int max, List<Message> out) {
        if (deleted) {
            return 0;
        }
        if (paused) {
            rememberWaiting(c); // unpause wakes it
            return 0;
        }
        int taken = 0;
        long now = System.nanoTime();
        long timeout = c.msgTimeoutNanos();
        int sampleRate = c.sampleRate();
        while (taken < max) {
            Message m = memory.poll();
            if (m == null && (m = backlog.poll()) == null) {
                break;
            }
            if (sampleRate > 0 && ThreadLocalRandom.current().nextInt(100) > sampleRate) {
                continue; // sampled out: this consumer doesn't see the message, as in nsqd
            }
            m.attempts++;
            m.owner = c;
            m.deliveredAt = now;
            m.deadline = now + timeout;
            inFlight.put(m);
            inFlightQueue.add(m, timeout);
            out.add(m);
            taken++;
        }
        if (taken == 0) {
            rememberWaiting(c);
        } else {
            scanFromNowOn();
        }
        return taken;
    }

    /** Messages are in flight or deferred: the queue scanner must visit this channel (idle ones cost it nothing). */
    private void scanFromNowOn() {
        if (!scanned) {
            scanned = true;
            nsqd.startScanning(this);
        }
    }

    private void rememberWaiting(Consumer c) {
        if (!waiting.contains(c)) {
            waiting.add(c);
        }
    }

    /** FIN: returns null on success, nsqd's reason otherwise. */
    synchronized String finish(Consumer c, long id) {
        Message m = takeInFlight(c, id);
        if (m == null) {
            return failure(id);
        }
        if (e2e.enabled()) {
            long latency = System.currentTimeMillis() * 1_000_000L - m.timestamp;
            e2e.record(latency);
            topic.recordLatency(latency);
        }
        releaseReadsIfIdle();
        return null;
    }

    /**
     * FIN for a run of ids read together (one lock for all of them); {@code failures[i]} is set to nsqd's reason for
     * each id that failed. Returns how many succeeded.
     */
    synchronized int finishAll(Consumer c, long[] ids, int n, String[] failures) {
        int done = 0;
        for (int i = 0; i < n; i++) {
            failures[i] = finish(c, ids[i]);
            if (failures[i] == null) {
                done++;
            }
        }
        return done;
    }

    /** REQ: back to the queue now, or deferred for {@code delayNanos}. */
    synchronized String requeue(Consumer c, long id, long delayNanos) {
        Message m = takeInFlight(c, id);
        if (m == null) {
            return failure(id);
        }
        requeueCount++;
        if (delayNanos > 0) {
            m.deferredUntil = System.nanoTime() + delayNanos;
            deferred.add(m);
            scanFromNowOn();
        } else {
            enqueue(m);
        }
        return null;
    }

    /** TOUCH: restart the message's timeout, but never past --max-msg-timeout since delivery. */
    synchronized String touch(Consumer c, long id) {
        Message m = inFlight.get(id);
        if (m == null || m.owner != c) {
            return failure(id);
        }
        long timeout = c.msgTimeoutNanos();
        long cap = m.deliveredAt + nsqd.options().maxMsgTimeout.toNanos();
        m.deadline = Math.min(System.nanoTime() + timeout, cap);
        inFlightQueue.update(m, timeout);
        return null;
    }

    // ---- from the queue scanner ----

    /** Requeues timed-out in-flight messages and releases due deferred ones. */
    void scan(long now) {
        List<Consumer> timedOut = new ArrayList<>();
        boolean released = false;
        synchronized (this) {
            Message m;
            while ((m = inFlightQueue.pollExpired(now)) != null) {
                inFlight.remove(m.id);
                if (m.owner != null) {
                    timedOut.add(m.owner);
                }
                m.owner = null;
                timeoutCount++;
                enqueue(m);
            }
            while (!deferred.isEmpty() && deferred.peek().deferredUntil <= now) {
                Message d = deferred.poll();
                d.deferredUntil = 0;
                enqueue(d);
                released = true;
            }
            if (inFlight.isEmpty() && deferred.isEmpty() && scanned) {
                scanned = false; // nothing to time out or release: the scanner stops visiting until there is
                nsqd.stopScanning(this);
            }
        }
        if (released && deferredJournal != null) {
            // after the released messages' own writes (same lane): only then may their journal entries go
            backlog.run(this::trimDeferredJournal);
        }
        timedOut.forEach(Consumer::timedOut);
    }

    // ---- admin ----

    void pause() {
        synchronized (this) {
            paused = true;
        }
        nsqd.persistMetadataSoon();
    }

    void unpause() {
        synchronized (this) {
            paused = false;
            wakeWaiting(Integer.MAX_VALUE);
        }
        nsqd.persistMetadataSoon();
    }

    synchronized boolean isPaused() {
        return paused;
    }

    /** Drops every message: queued, on disk, in flight and deferred. Consumers keep their connections. */
    void empty() throws IOException {
        List<Consumer> toReset;
        synchronized (this) {
            memory.clear();
            inFlight.clear();
            inFlightQueue.clear();
            deferred.clear();
            toReset = new ArrayList<>(consumers);
        }
        backlog.empty(); // outside the lock: the storage thread may need it to finish what it is doing
        if (deferredJournal != null) {
            backlog.run(deferredJournal::empty);
        }
        toReset.forEach(Consumer::emptied);
    }

    /** Marks the channel gone, closes its consumers and removes its storage. */
    void delete() {
        List<Consumer> toClose;
        synchronized (this) {
            if (deleted) {
                return;
            }
            deleted = true;
            nsqd.channelClosed();
            toClose = new ArrayList<>(consumers);
            consumers.clear();
            waiting.clear();
            memory.clear();
            inFlight.clear();
            inFlightQueue.clear();
            deferred.clear();
        }
        try {
            backlog.delete();
            if (deferredJournal != null) {
                deferredJournal.delete();
            }
        } catch (IOException e) {
            LOG.warnf("channel %s:%s: could not remove its queue files: %s", topic.name, name, e.getMessage());
        }
        toClose.forEach(Consumer::close);
    }

    /**
     * Clean shutdown: everything not yet finished (ready, in flight, deferred) goes to the backend so a restart
     * delivers it; in-flight and deferred messages are counted as new deliveries, as nsqd does.
     */
    void flush() throws IOException {
        List<Message> rest;
        synchronized (this) {
            rest = new ArrayList<>(memory);
            rest.addAll(inFlight.values());
            rest.addAll(deferred);
            memory.clear();
            inFlight.clear();
            inFlightQueue.clear();
            deferred.clear();
        }
        backlog.flushAndClose(rest);
        if (deferredJournal != null) {
            deferredJournal.empty(); // its messages are in the backend now
            deferredJournal.close();
        }
    }

    synchronized boolean isDeleted() {
        return deleted;
    }

    synchronized long depth() {
        return memory.size() + backlog.depth();
    }

    synchronized ChannelStats stats(boolean includeClients) {
        List<ClientStats> clientStats = new ArrayList<>();
        if (includeClients) {
            for (Consumer c : consumers) {
                clientStats.add(c.stats());
            }
        }
        return new ChannelStats(name, memory.size() + backlog.depth(), backlog.depth(), inFlight.size(),
                deferred.size(), messageCount, requeueCount, timeoutCount, consumers.size(), clientStats, paused,
                e2e.stats());
    }

    /**
     * Up to {@code n} of the next messages in delivery order, left where they are (for peeking): the memory queue,
     * then the backlog (read ahead, then on disk) once memory has fewer; stops once their bodies reach
     * {@code maxBytes}. Completes at once when memory suffices, else on the storage thread once the disk was read.
     */
    CompletableFuture<List<Message>> peek(int n, long maxBytes) {
        List<Message> shown = new ArrayList<>();
        long bytes = 0;
        synchronized (this) {
            for (Message m : memory) {
                if (shown.size() >= n || bytes >= maxBytes) {
                    break;
                }
                shown.add(m);
                bytes += m.body.length;
            }
            if (shown.size() >= n || bytes >= maxBytes || backlog.isEmpty()) {
                return CompletableFuture.completedFuture(shown);
            }
        }
        java.util.Set<Long> inMemory = new java.util.HashSet<>();
        shown.forEach(m -> inMemory.add(m.id));
        return backlog.peek(n - shown.size(), maxBytes - bytes).thenApply(fromBacklog -> {
            for (Message m : fromBacklog) {
                if (!inMemory.contains(m.id)) { // one requeued to disk since memory was looked at
                    shown.add(m);
                }
            }
            return shown;
        });
    }

    synchronized List<Consumer> consumers() {
        return new ArrayList<>(consumers);
    }

    // ---- inside the lock ----

    /** Back to the ready queue (requeue, timeout, deferred release): memory if the backlog is empty, else disk. */
    private void enqueue(Message m) {
        if (memory.size() < memQueueSize && backlog.isEmpty()) {
            memory.add(m);
        } else if (backlog.acceptsWrites()) {
            backlog.write(List.of(m)); // a failure is reported to health by the backlog
        } else {
            memory.add(m); // memory-only broker: a requeued message is never dropped for want of room
        }
        wakeWaiting(1);
    }

    /** Wakes up to {@code n} waiting consumers, oldest first. */
    private void wakeWaiting(int n) {
        if (paused) {
            return;
        }
        for (int i = 0; i < n && !waiting.isEmpty(); i++) {
            waiting.poll().wake();
        }
    }

    /** The backlog prefetched messages from disk: someone waiting can take them now. */
    private void backlogArrived() {
        synchronized (this) {
            wakeWaiting(Integer.MAX_VALUE);
        }
    }

    private Message takeInFlight(Consumer c, long id) {
        Message m = inFlight.get(id);
        if (m == null || m.owner != c) {
            return null;
        }
        inFlight.remove(id);
        inFlightQueue.remove(m);
        m.owner = null;
        return m;
    }

    private void releaseReadsIfIdle() {
        if (durable && inFlight.isEmpty() && deferred.isEmpty()) {
            backlog.releaseReads();
        }
    }

    private String failure(long id) {
        Message m = id < 0 ? null : inFlight.get(id);
        return m == null ? "ID not in flight" : "client does not own message";
    }

    // ---- the durable deferred journal (storage thread) ----

    /** Restores journaled DPUBs with their remaining delay; the journal's reads stay uncommitted while they wait. */
    private void replayDeferredJournal() {
        if (deferredJournal == null || deferredJournal.depth() == 0) {
            return;
        }
        deferredJournal.holdReads(true);
        try {
            byte[] record;
            while ((record = deferredJournal.poll()) != null) {
                long dueWallMillis = ByteBuffer.wrap(record, 0, 8).getLong();
                Message m = Message.decode(Arrays.copyOfRange(record, 8, record.length));
                long remaining = Math.max(0, dueWallMillis - System.currentTimeMillis());
                m.deferredUntil = System.nanoTime() + remaining * 1_000_000L;
                deferred.add(m);
                scanFromNowOn();
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf("channel %s:%s: cannot replay deferred messages: %s", topic.name, name, e.getMessage());
        }
        LOG.infof("channel %s:%s: %d deferred message(s) restored", topic.name, name, deferred.size());
    }

    private void journalDeferred(List<Message> batch) throws IOException {
        for (Message m : batch) {
            long dueWall = System.currentTimeMillis() + Math.max(0, m.deferredUntil - System.nanoTime()) / 1_000_000L;
            byte[] encoded = m.encode();
            deferredJournal.holdReads(true);
            deferredJournal.put(ByteBuffer.allocate(8 + encoded.length).putLong(dueWall).put(encoded).array());
            // consume it at once: the held read position still covers it until nothing is deferred
            deferredJournal.poll();
        }
        deferredJournal.sync();
    }

    private void trimDeferredJournal() throws IOException {
        boolean none;
        synchronized (this) {
            none = deferred.isEmpty();
        }
        if (none && deferredJournal.depth() == 0) {
            deferredJournal.holdReads(false);
            deferredJournal.sync();
        }
    }
}
