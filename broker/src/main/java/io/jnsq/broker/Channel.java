package io.jnsq.broker;

import io.jnsq.broker.storage.BackendQueue;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.ClientStats;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * A channel: one copy of a topic's stream, load-balanced across its consumers by their RDY counts. Holds the ready
 * queue (memory, then the backend), the in-flight messages with their timeouts, and the deferred ones. One lock (the
 * channel itself) guards all of it and the per-client counts that decide who gets the next message.
 */
final class Channel {

    private static final Logger LOG = Logger.getLogger(Channel.class);

    final Topic topic;
    final String name;
    final boolean ephemeral;

    private final Nsqd nsqd;
    private final long memQueueSize;
    private final ArrayDeque<Message> memory = new ArrayDeque<>();
    private final BackendQueue backend;
    /** Durable mode: DPUBs with their due time, fsynced before OK, replayed on start (null otherwise). */
    private final BackendQueue deferredJournal;
    private final HashMap<Long, Message> inFlight = new HashMap<>();
    private final InFlightQueue inFlightQueue = new InFlightQueue();
    private final PriorityQueue<Message> deferred = new PriorityQueue<>(Comparator.comparingLong(m -> m.deferredUntil));
    private final List<ClientConnection> clients = new ArrayList<>();
    private final LatencyWindow e2e;
    private int nextClient;
    private boolean paused;
    private boolean deleted;

    private long messageCount;
    private long requeueCount;
    private long timeoutCount;

    Channel(Topic topic, String name, Nsqd nsqd) {
        this.topic = topic;
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.nsqd = nsqd;
        this.memQueueSize = nsqd.memQueueSize();
        this.backend = nsqd.backends().open(topic.name + ":" + name, ephemeral);
        this.e2e = nsqd.newLatencyWindow();
        this.deferredJournal = nsqd.durable() && !ephemeral
                ? nsqd.backends().open(topic.name + ":" + name + ".deferred", false) : null;
        replayDeferredJournal();
    }

    /** Restores journaled DPUBs with their remaining delay; the journal's reads stay uncommitted while they wait. */
    private void replayDeferredJournal() {
        if (deferredJournal == null || deferredJournal.depth() == 0) {
            return;
        }
        deferredJournal.holdReads(true);
        try {
            byte[] record;
            while ((record = deferredJournal.poll()) != null) {
                long dueWallMillis = java.nio.ByteBuffer.wrap(record, 0, 8).getLong();
                Message m = Message.decode(java.util.Arrays.copyOfRange(record, 8, record.length));
                long remaining = Math.max(0, dueWallMillis - System.currentTimeMillis());
                m.deferredUntil = System.nanoTime() + remaining * 1_000_000L;
                deferred.add(m);
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf("channel %s:%s: cannot replay deferred messages: %s", topic.name, name, e.getMessage());
        }
        LOG.infof("channel %s:%s: %d deferred message(s) restored", topic.name, name, deferred.size());
    }

    private void journalDeferred(Message m) throws IOException {
        if (deferredJournal == null) {
            return;
        }
        long dueWall = System.currentTimeMillis() + Math.max(0, m.deferredUntil - System.nanoTime()) / 1_000_000L;
        byte[] encoded = m.encode();
        deferredJournal.holdReads(true);
        deferredJournal.put(java.nio.ByteBuffer.allocate(8 + encoded.length).putLong(dueWall).put(encoded).array());
        // consume it at once: the held read position still covers it until nothing is deferred
        deferredJournal.poll();
    }

    /** Whether {@code n} more messages fit without refusing (memory room, or a backend that stores). */
    synchronized boolean canAccept(int n) {
        return !deleted && (memory.size() + n <= memQueueSize && backend.depth() == 0 || backend.acceptsWrites());
    }

    /** Takes a message from the topic: deferred, or ready for delivery. */
    synchronized void put(Message m) throws IOException {
        if (deleted) {
            return;
        }
        messageCount++;
        if (m.deferredUntil > 0) {
            journalDeferred(m);
            if (deferredJournal != null) {
                deferredJournal.sync();
            }
            deferred.add(m);
            return;
        }
        enqueue(m);
        backend.flush();
        dispatch();
    }

    synchronized void putAll(List<Message> batch, boolean copy) throws IOException {
        if (deleted) {
            return;
        }
        for (Message original : batch) {
            Message m = copy ? original.copy() : original;
            messageCount++;
            if (m.deferredUntil > 0) {
                journalDeferred(m);
                deferred.add(m);
            } else {
                enqueue(m);
            }
        }
        if (nsqd.durable()) {
            if (deferredJournal != null) {
                deferredJournal.sync();
            }
            backend.sync(); // one fsync for the whole batch, before the publisher hears OK
        } else {
            backend.flush(); // a full disk is known before the publisher hears OK
        }
        dispatch();
    }

    synchronized void addClient(ClientConnection client) {
        clients.add(client);
    }

    /** A consumer left. Its in-flight messages time out and are redelivered, as in nsqd. */
    void removeClient(ClientConnection client) {
        boolean nowEmpty;
        synchronized (this) {
            clients.remove(client);
            nowEmpty = clients.isEmpty();
        }
        if (nowEmpty && ephemeral) {
            topic.deleteChannel(name);
        }
    }

    synchronized void setReady(ClientConnection client, long count) {
        client.readyCount = count;
        dispatch();
    }

    /** FIN: returns null on success, nsqd's reason otherwise. */
    synchronized String finish(ClientConnection client, long id) {
        Message m = takeInFlight(client, id);
        if (m == null) {
            return failure(id);
        }
        client.finishCount++;
        long latency = System.currentTimeMillis() * 1_000_000L - m.timestamp;
        e2e.record(latency);
        topic.recordLatency(latency);
        dispatch();
        return null;
    }

    /** REQ: back to the queue now, or deferred for {@code delayNanos}. */
    synchronized String requeue(ClientConnection client, long id, long delayNanos) throws IOException {
        Message m = takeInFlight(client, id);
        if (m == null) {
            return failure(id);
        }
        client.requeueCount++;
        requeueCount++;
        if (delayNanos > 0) {
            m.deferredUntil = System.nanoTime() + delayNanos;
            deferred.add(m);
        } else {
            enqueue(m);
        }
        dispatch();
        return null;
    }

    /** TOUCH: restart the message's timeout, but never past --max-msg-timeout since delivery. */
    synchronized String touch(ClientConnection client, long id) {
        Message m = inFlight.get(id);
        if (m == null || m.owner != client) {
            return failure(id);
        }
        long deadline = System.nanoTime() + client.msgTimeoutNanos;
        long cap = m.deliveredAt + nsqd.options().maxMsgTimeout.toNanos();
        m.deadline = Math.min(deadline, cap);
        inFlightQueue.update(m);
        return null;
    }

    /** Requeues timed-out in-flight messages and releases due deferred ones. Called by the queue scanner. */
    synchronized void scan(long now) throws IOException {
        boolean changed = false;
        Message m;
        while ((m = inFlightQueue.pollExpired(now)) != null) {
            inFlight.remove(m.id);
            ClientConnection owner = m.owner;
            m.owner = null;
            if (owner != null) {
                owner.inFlightCount--;
            }
            timeoutCount++;
            enqueue(m);
            changed = true;
        }
        while (!deferred.isEmpty() && deferred.peek().deferredUntil <= now) {
            Message d = deferred.poll();
            d.deferredUntil = 0;
            enqueue(d);
            changed = true;
        }
        if (changed && nsqd.durable()) {
            backend.sync(); // released messages are on disk before their journal entries may go
        }
        if (deferredJournal != null && deferred.isEmpty() && deferredJournal.depth() == 0) {
            deferredJournal.holdReads(false);
            deferredJournal.sync();
        }
        if (changed) {
            dispatch();
        }
    }

    void pause() {
        synchronized (this) {
            paused = true;
        }
        nsqd.persistMetadataSoon();
    }

    void unpause() {
        synchronized (this) {
            paused = false;
            dispatch();
        }
        nsqd.persistMetadataSoon();
    }

    synchronized boolean isPaused() {
        return paused;
    }

    /** Drops every message: queued, on disk, in flight and deferred. Consumers keep their connections. */
    synchronized void empty() throws IOException {
        memory.clear();
        backend.empty();
        if (deferredJournal != null) {
            deferredJournal.empty();
        }
        inFlight.clear();
        inFlightQueue.clear();
        deferred.clear();
        for (ClientConnection c : clients) {
            c.inFlightCount = 0;
        }
    }

    /** Marks the channel gone, closes its consumers and removes its storage. */
    void delete() {
        List<ClientConnection> toClose;
        synchronized (this) {
            if (deleted) {
                return;
            }
            deleted = true;
            toClose = new ArrayList<>(clients);
            clients.clear();
            memory.clear();
            inFlight.clear();
            inFlightQueue.clear();
            deferred.clear();
            try {
                backend.delete();
                if (deferredJournal != null) {
                    deferredJournal.delete();
                }
            } catch (IOException e) {
                LOG.warnf("channel %s:%s: could not remove its queue files: %s", topic.name, name, e.getMessage());
            }
        }
        toClose.forEach(ClientConnection::close);
    }

    /**
     * Clean shutdown: everything not yet finished (ready, in flight, deferred) goes to the backend so a restart
     * delivers it; in-flight and deferred messages are counted as new deliveries, as nsqd does.
     */
    synchronized void flush() throws IOException {
        List<Message> rest = new ArrayList<>(inFlight.values());
        rest.addAll(deferred);
        inFlight.clear();
        inFlightQueue.clear();
        deferred.clear();
        if (backend.acceptsWrites()) {
            for (Message m : memory) {
                backend.put(m.encode());
            }
            memory.clear();
            for (Message m : rest) {
                backend.put(m.encode());
            }
            backend.close();
            if (deferredJournal != null) {
                deferredJournal.empty(); // its messages are in the backend now
                deferredJournal.close();
            }
        }
    }

    synchronized boolean isDeleted() {
        return deleted;
    }

    synchronized long depth() {
        return memory.size() + backend.depth();
    }

    synchronized ChannelStats stats(boolean includeClients) {
        List<ClientStats> clientStats = new ArrayList<>();
        if (includeClients) {
            for (ClientConnection c : clients) {
                clientStats.add(c.stats());
            }
        }
        return new ChannelStats(name, memory.size() + backend.depth(), backend.depth(), inFlight.size(),
                deferred.size(), messageCount, requeueCount, timeoutCount, clients.size(), clientStats, paused,
                e2e.stats());
    }

    /** Up to {@code n} of the next messages in the in-memory queue, in order, left where they are (for peeking). */
    synchronized List<Message> peek(int n) {
        List<Message> out = new ArrayList<>(Math.min(n, memory.size()));
        for (Message m : memory) {
            if (out.size() >= n) {
                break;
            }
            out.add(m);
        }
        return out;
    }

    synchronized List<ClientConnection> clients() {
        return new ArrayList<>(clients);
    }

    // ---- inside the lock ----

    private void enqueue(Message m) throws IOException {
        if (memory.size() < memQueueSize && backend.depth() == 0) {
            memory.add(m);
        } else {
            backend.put(m.encode());
        }
    }

    private Message nextReady() throws IOException {
        Message m = memory.poll();
        if (m != null) {
            return m;
        }
        if (backend.depth() == 0) {
            return null;
        }
        byte[] data = backend.poll();
        return data == null ? null : Message.decode(data);
    }

    private boolean hasReady() {
        return !memory.isEmpty() || backend.depth() > 0;
    }

    /** Hands ready messages to consumers with spare RDY, round robin, until one side runs out. */
    private void dispatch() {
        if (nsqd.durable()) {
            backend.holdReads(!inFlight.isEmpty() || !deferred.isEmpty());
        }
        if (paused || clients.isEmpty()) {
            return;
        }
        try {
            while (hasReady()) {
                ClientConnection client = nextReadyClient();
                if (client == null) {
                    return;
                }
                Message m = nextReady();
                if (m == null) {
                    return;
                }
                if (client.sampleRate > 0 && ThreadLocalRandom.current().nextInt(100) > client.sampleRate) {
                    continue; // sampled out: this consumer doesn't see the message, as in nsqd
                }
                m.attempts++;
                m.owner = client;
                m.deliveredAt = System.nanoTime();
                m.deadline = m.deliveredAt + client.msgTimeoutNanos;
                inFlight.put(m.id, m);
                inFlightQueue.add(m);
                client.inFlightCount++;
                client.messageCount++;
                client.send(m);
            }
            if (nsqd.durable()) {
                backend.holdReads(!inFlight.isEmpty() || !deferred.isEmpty());
            }
        } catch (IOException e) {
            LOG.errorf("channel %s:%s: cannot read its disk queue: %s", topic.name, name, e.getMessage());
            nsqd.reportHealth(e);
        }
    }

    private ClientConnection nextReadyClient() {
        int n = clients.size();
        for (int i = 0; i < n; i++) {
            int idx = (nextClient + i) % n;
            ClientConnection c = clients.get(idx);
            if (c.isReadyForMessages()) {
                nextClient = (idx + 1) % n;
                return c;
            }
        }
        return null;
    }

    private Message takeInFlight(ClientConnection client, long id) {
        Message m = inFlight.get(id);
        if (m == null || m.owner != client) {
            return null;
        }
        inFlight.remove(id);
        inFlightQueue.remove(m);
        m.owner = null;
        client.inFlightCount--;
        return m;
    }

    private String failure(long id) {
        Message m = id < 0 ? null : inFlight.get(id);
        return m == null ? "ID not in flight" : "client does not own message";
    }
}
