package io.jnsq.broker;

import io.jnsq.broker.storage.BackendQueue;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.TopicStats;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A topic: copies every published message to each of its channels. While it has no channel, or is paused, it keeps
 * the messages itself (memory, then its backend) and hands them all to the channels when it can.
 */
final class Topic {

    private static final Logger LOG = Logger.getLogger(Topic.class);

    final String name;
    final boolean ephemeral;

    private final Nsqd nsqd;
    private final long memQueueSize;
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final ArrayDeque<Message> memory = new ArrayDeque<>();
    private final BackendQueue backend;
    private final LatencyWindow e2e;
    private boolean paused;
    private boolean deleted;
    private long messageCount;
    private long messageBytes;

    Topic(String name, Nsqd nsqd) {
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.nsqd = nsqd;
        this.memQueueSize = nsqd.memQueueSize();
        this.backend = nsqd.backends().open(name, ephemeral);
        this.e2e = nsqd.newLatencyWindow();
    }

    void put(Message m) throws PublishRefusedException {
        putAll(List.of(m));
    }

    /** Publishes a batch atomically: all of it is taken, or none of it and the reason is thrown. */
    synchronized void putAll(List<Message> batch) throws PublishRefusedException {
        if (deleted) {
            throw new PublishRefusedException("exiting");
        }
        boolean holding = paused || channels.isEmpty();
        if (holding) {
            if (!(memory.size() + batch.size() <= memQueueSize && backend.depth() == 0 || backend.acceptsWrites())) {
                throw new PublishRefusedException("queue full");
            }
        } else {
            for (Channel c : channels.values()) {
                if (!c.canAccept(batch.size())) {
                    throw new PublishRefusedException("queue full");
                }
            }
        }
        try {
            if (holding) {
                for (Message m : batch) {
                    hold(m);
                }
                if (nsqd.durable()) {
                    backend.sync();
                } else {
                    backend.flush();
                }
            } else {
                fanOut(batch);
            }
        } catch (IOException e) {
            nsqd.reportHealth(e);
            throw new PublishRefusedException(e.getMessage());
        }
        messageCount += batch.size();
        for (Message m : batch) {
            messageBytes += m.body.length;
        }
        nsqd.clearHealthIfRecovered();
    }

    /** Returns the channel, creating it (and handing it what the topic held) when it is new. */
    Channel getChannel(String channelName) {
        Channel channel;
        synchronized (this) {
            channel = channels.get(channelName);
            if (channel != null) {
                return channel;
            }
            channel = new Channel(this, channelName, nsqd);
            channels.put(channelName, channel);
            if (!paused) {
                drainHeld();
            }
        }
        LOG.infof("TOPIC(%s): new channel(%s)", name, channelName);
        nsqd.announceChannelCreated(name, channelName);
        return channel;
    }

    synchronized Channel existingChannel(String channelName) {
        return channels.get(channelName);
    }

    synchronized List<Channel> channels() {
        return new ArrayList<>(channels.values());
    }

    /** Deletes one channel; an ephemeral topic goes with its last channel. */
    boolean deleteChannel(String channelName) {
        Channel channel;
        boolean topicNowEmpty;
        synchronized (this) {
            channel = channels.remove(channelName);
            topicNowEmpty = channels.isEmpty();
        }
        if (channel == null) {
            return false;
        }
        channel.delete();
        LOG.infof("TOPIC(%s): deleted channel(%s)", name, channelName);
        nsqd.announceChannelDeleted(name, channelName);
        if (topicNowEmpty && ephemeral) {
            nsqd.deleteTopic(name);
        }
        return true;
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
            drainHeld();
        }
        nsqd.persistMetadataSoon();
    }

    synchronized boolean isPaused() {
        return paused;
    }

    /** Drops what the topic itself holds (not its channels' queues), as nsqd's topic empty does. */
    synchronized void empty() throws IOException {
        memory.clear();
        backend.empty();
    }

    /** Deletes the topic's channels and storage. */
    void delete() {
        List<Channel> toDelete;
        synchronized (this) {
            deleted = true;
            toDelete = new ArrayList<>(channels.values());
            channels.clear();
            memory.clear();
            try {
                backend.delete();
            } catch (IOException e) {
                LOG.warnf("topic %s: could not remove its queue files: %s", name, e.getMessage());
            }
        }
        for (Channel c : toDelete) {
            c.delete();
            nsqd.announceChannelDeleted(name, c.name);
        }
    }

    /** Clean shutdown: what the topic holds goes to its backend; then each channel flushes. */
    void flush() throws IOException {
        synchronized (this) {
            if (backend.acceptsWrites()) {
                for (Message m : memory) {
                    backend.put(m.encode());
                }
                memory.clear();
                backend.close();
            }
        }
        for (Channel c : channels()) {
            c.flush();
        }
    }

    void recordLatency(long nanos) {
        e2e.record(nanos);
    }

    synchronized TopicStats stats(String onlyChannel, boolean includeClients) {
        List<ChannelStats> channelStats = new ArrayList<>();
        for (Channel c : channels.values()) {
            if (onlyChannel == null || onlyChannel.equals(c.name)) {
                channelStats.add(c.stats(includeClients));
            }
        }
        return new TopicStats(name, channelStats, memory.size() + backend.depth(), backend.depth(), messageCount,
                messageBytes, paused, e2e.stats());
    }

    // ---- inside the lock ----

    private void hold(Message m) throws IOException {
        if (memory.size() < memQueueSize && backend.depth() == 0) {
            memory.add(m);
        } else {
            backend.put(m.encode());
        }
    }

    private void fanOut(List<Message> batch) throws IOException {
        int i = 0;
        int last = channels.size() - 1;
        for (Channel c : channels.values()) {
            // the last channel takes the originals; the others get copies (attempts and delivery state are per channel)
            c.putAll(batch, i++ != last);
        }
    }

    private void drainHeld() {
        if (channels.isEmpty()) {
            return;
        }
        List<Message> held = new ArrayList<>(memory);
        memory.clear();
        try {
            byte[] data;
            while ((data = backend.poll()) != null) {
                held.add(Message.decode(data));
            }
            if (!held.isEmpty()) {
                fanOut(held);
            }
        } catch (IOException e) {
            // a channel could not store them (a full disk): the topic keeps them rather than lose them
            memory.addAll(held);
            LOG.errorf("topic %s: cannot move %d held messages to its channels: %s", name, held.size(), e.getMessage());
            nsqd.reportHealth(e);
        }
    }
}
