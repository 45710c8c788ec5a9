package io.jnsq.broker;

import io.jnsq.protocol.Names;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.TopicStats;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * A topic: copies every published message into each of its channels' queues (never to consumers: they pull from
 * their channel). While it has no channel, or is paused, it keeps the messages itself (memory, then its
 * {@link Backlog}); when it can deliver again they are moved to the channels a bounded batch at a time on the
 * topic's storage lane, as nsqd's topic message pump does, and new messages queue behind them so order is kept.
 */
final class Topic {

    private static final Logger LOG = Logger.getLogger(Topic.class);
    private static final int MOVE_BATCH = 1024;

    final String name;
    final boolean ephemeral;

    private final Nsqd nsqd;
    private final long memQueueSize;
    private final Map<String, Channel> channels = new LinkedHashMap<>(2);
    private final ArrayDeque<Message> memory = new ArrayDeque<>(0); // grows with use: idle topics cost next to nothing
    private final Backlog backlog;
    private final StorageThreads.Lane lane;
    private final LatencyWindow e2e;
    private boolean paused;
    private boolean deleted;
    private boolean moving; // a move of held messages to the channels is scheduled or running
    private long messageCount;
    private long messageBytes;

    Topic(String name, Nsqd nsqd) {
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.nsqd = nsqd;
        this.memQueueSize = nsqd.memQueueSize();
        this.lane = nsqd.storage().newLane();
        this.backlog = new Backlog(nsqd.backends().open(name, ephemeral), lane, nsqd.durable(), this::heldArrived,
                nsqd::reportHealth);
        this.e2e = nsqd.newLatencyWindow();
    }

    /**
     * Publishes a batch atomically: all of it is taken, or none of it and the future fails with
     * {@link PublishRefusedException}. The future completes once what had to go to disk is there (at once when
     * everything fit in memory), so the publisher hears OK only for messages the broker holds.
     */
    CompletableFuture<Void> publish(List<Message> batch) {
        CompletableFuture<Void> done;
        synchronized (this) {
            if (deleted) {
                return CompletableFuture.failedFuture(new PublishRefusedException("exiting"));
            }
            if (isHolding()) {
                if (!(memory.size() + batch.size() <= memQueueSize && backlog.isEmpty() || backlog.acceptsWrites())) {
                    return CompletableFuture.failedFuture(new PublishRefusedException("queue full"));
                }
                done = hold(batch);
                if (!paused && !channels.isEmpty()) {
                    scheduleMove();
                }
            } else {
                for (Channel c : channels.values()) {
                    if (!c.canAccept(batch.size())) {
                        return CompletableFuture.failedFuture(new PublishRefusedException("queue full"));
                    }
                }
                done = copyToChannels(batch);
            }
            messageCount += batch.size();
            for (Message m : batch) {
                messageBytes += m.body.length;
            }
        }
        if (done.isDone() && !done.isCompletedExceptionally()) {
            nsqd.clearHealthIfRecovered();
            return done;
        }
        return done.handle((v, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                throw new java.util.concurrent.CompletionException(new PublishRefusedException(cause.getMessage()));
            }
            nsqd.clearHealthIfRecovered();
            return null;
        });
    }

    /**
     * Returns the channel, creating it (and starting to move what the topic held into it) when it is new; throws
     * {@link MemoryBound.Refused} when the heap has no room for it.
     */
    Channel getChannel(String channelName) {
        Channel channel;
        synchronized (this) {
            channel = channels.get(channelName);
            if (channel != null) {
                return channel;
            }
            nsqd.checkRoomFor("channel " + name + ":" + channelName);
            channel = new Channel(this, channelName, nsqd);
            channels.put(channelName, channel);
            nsqd.channelOpened();
            if (!paused) {
                scheduleMove();
            }
        }
        if (!nsqd.restoring()) {
            LOG.infof("TOPIC(%s): new channel(%s)", name, channelName);
        }
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
            scheduleMove();
        }
        nsqd.persistMetadataSoon();
    }

    synchronized boolean isPaused() {
        return paused;
    }

    /** Drops what the topic itself holds (not its channels' queues), as nsqd's topic empty does. */
    void empty() throws IOException {
        synchronized (this) {
            memory.clear();
        }
        backlog.empty();
    }

    /** Deletes the topic's channels and storage. */
    void delete() {
        List<Channel> toDelete;
        synchronized (this) {
            deleted = true;
            toDelete = new ArrayList<>(channels.values());
            channels.clear();
            memory.clear();
        }
        try {
            backlog.delete();
        } catch (IOException e) {
            LOG.warnf("topic %s: could not remove its queue files: %s", name, e.getMessage());
        }
        for (Channel c : toDelete) {
            c.delete();
            nsqd.announceChannelDeleted(name, c.name);
        }
    }

    /** Clean shutdown: what the topic holds goes to its backend; then each channel flushes. */
    void flush() throws IOException {
        List<Message> rest;
        synchronized (this) {
            rest = new ArrayList<>(memory);
            memory.clear();
        }
        backlog.flushAndClose(rest);
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
        return new TopicStats(name, channelStats, memory.size() + backlog.depth(), backlog.depth(),
                messageCount, messageBytes, paused, e2e.stats());
    }

    // ---- inside the lock ----

    /** Whether published messages stay with the topic: no channel, paused, or older held messages still to move. */
    private boolean isHolding() {
        return paused || channels.isEmpty() || !memory.isEmpty() || !backlog.isEmpty();
    }

    private CompletableFuture<Void> hold(List<Message> batch) {
        List<Message> toDisk = null;
        for (Message m : batch) {
            if (toDisk == null && memory.size() < memQueueSize && backlog.isEmpty()) {
                memory.add(m);
            } else {
                if (toDisk == null) {
                    toDisk = new ArrayList<>();
                }
                toDisk.add(m);
            }
        }
        return toDisk == null ? Backlog.DONE : backlog.write(toDisk);
    }

    private CompletableFuture<Void> copyToChannels(List<Message> batch) {
        CompletableFuture<Void> all = Backlog.DONE;
        int i = 0;
        int last = channels.size() - 1;
        for (Channel c : channels.values()) {
            // the last channel takes the originals; the others get copies
            CompletableFuture<Void> f = c.put(batch, i++ != last);
            if (f != Backlog.DONE) {
                all = all == Backlog.DONE ? f : CompletableFuture.allOf(all, f);
            }
        }
        return all;
    }

    private void scheduleMove() {
        if (moving || channels.isEmpty() || memory.isEmpty() && backlog.isEmpty()) {
            return;
        }
        moving = true;
        lane.execute(this::moveHeld);
    }

    /** The backlog prefetched held messages: continue moving them if a move was waiting for them. */
    private void heldArrived() {
        synchronized (this) {
            if (!moving) {
                scheduleMove();
            }
        }
    }

    /**
     * Moves one batch of held messages into the channels (storage lane). The next batch follows once the channels
     * have this one (on disk where it had to go), so a large backlog streams through with bounded memory.
     */
    private void moveHeld() {
        List<Message> batch = new ArrayList<>();
        CompletableFuture<Void> placed;
        synchronized (this) {
            if (paused || deleted || channels.isEmpty()) {
                moving = false;
                return;
            }
            while (batch.size() < MOVE_BATCH) {
                Message m = memory.poll();
                if (m == null && (m = backlog.poll()) == null) {
                    break;
                }
                batch.add(m);
            }
            if (batch.isEmpty()) {
                moving = false; // more may be on disk: heldArrived() starts again when it is prefetched
                return;
            }
            placed = copyToChannels(batch);
        }
        placed.whenComplete((v, e) -> {
            if (e != null) {
                keepAfterFailedMove(batch, e);
                return;
            }
            backlog.releaseReads();
            lane.execute(this::moveHeld);
        });
    }

    /**
     * A channel could not store a batch (a full disk): the topic keeps it rather than lose it, and tries again in a
     * second. A channel that did take part of the batch may see those messages twice (at least once, never lost).
     */
    private void keepAfterFailedMove(List<Message> batch, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        LOG.errorf("topic %s: cannot move %d held messages to its channels: %s", name, batch.size(), cause.getMessage());
        synchronized (this) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                memory.addFirst(batch.get(i).copy());
            }
            moving = false;
        }
        nsqd.later(1000, () -> {
            synchronized (this) {
                scheduleMove();
            }
        });
    }
}
