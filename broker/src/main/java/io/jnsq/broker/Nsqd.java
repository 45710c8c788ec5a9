package io.jnsq.broker;

import io.jnsq.broker.storage.BackendQueues;
import io.jnsq.broker.storage.MetadataFile;
import java.nio.file.Path;
import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.stats.ClientStats;
import io.jnsq.protocol.stats.MemoryStats;
import io.jnsq.protocol.stats.NsqdStats;
import io.jnsq.protocol.stats.TopicStats;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The broker: its topics, message ids, health, the queue scanner that times out in-flight messages and releases
 * deferred ones, and the announcements of topics and channels to {@link TopologyListener}s.
 */
@Singleton
public class Nsqd implements BrokerTopology {

    private static final Logger LOG = Logger.getLogger(Nsqd.class);

    private final NsqdOptions options;
    private final Instance<TopologyListener> listeners;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final AtomicLong nextId;
    private final long startTime = System.currentTimeMillis() / 1000;
    private final java.util.concurrent.atomic.AtomicBoolean saveScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private final ExecutorService announcer = Executors.newSingleThreadExecutor(r -> daemon(r, "nsqd-announcer"));
    private final ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "nsqd-queue-scanner"));
    private final Set<ClientConnection> producers = ConcurrentHashMap.newKeySet();
    /** The channels with messages in flight or deferred: the only ones the queue scanner visits. */
    private final Set<Channel> scanned = ConcurrentHashMap.newKeySet();
    private final BackendQueues backends;
    private final StorageThreads storage = new StorageThreads(2);
    private final MetadataFile metadata;
    private final MemoryBound memoryBound = MemoryBound.ofThisJvm();
    private volatile String unhealthy;
    private volatile boolean restoring;

    /** A broker nobody listens to (unit tests). */
    Nsqd(NsqdOptions options) {
        this(options, null);
    }

    @Inject
    public Nsqd(NsqdOptions options, @Any Instance<TopologyListener> listeners) {
        this.options = options;
        this.listeners = listeners;
        // Ids grow with time, so ids after a restart never repeat those of messages kept on disk.
        this.nextId = new AtomicLong(System.currentTimeMillis() << 20);
        Path dataPath = Path.of(options.dataPath.isEmpty() ? "." : options.dataPath).toAbsolutePath();
        this.backends = new BackendQueues(dataPath, options.maxBytesPerFile, (int) options.maxMsgSize,
                options.syncEvery, options.syncTimeout.toMillis());
        this.metadata = new MetadataFile(dataPath);
        long interval = Math.max(1, options.queueScanInterval.toMillis());
        scanner.scheduleWithFixedDelay(this::scanQueues, interval, interval, TimeUnit.MILLISECONDS);
    }

    NsqdOptions options() {
        return options;
    }

    BackendQueues backends() {
        return backends;
    }

    /** The threads that do the topics' and channels' disk I/O. */
    StorageThreads storage() {
        return storage;
    }

    /** Whether publishes are acknowledged only after an fsync ({@code --sync-every=1}). */
    boolean durable() {
        return backends.durable();
    }

    /** The memory bound of each topic and channel queue: none in durable mode, where everything goes to disk. */
    long memQueueSize() {
        return durable() ? 0 : options.memQueueSize;
    }

    /**
     * Recreates the topics and channels (and their pause state) saved in nsqd.dat; their queues reopen from disk. As
     * nsqd while it loads its metadata, nothing is announced one by one (lookupd peers register everything when they
     * connect, after this) and the memory bound does not apply; one line is logged for all, not one per queue.
     */
    public void restore() {
        long start = System.nanoTime();
        restoring = true;
        int[] counts;
        try {
            counts = restoreTopics();
        } finally {
            restoring = false;
        }
        if (counts[0] > 0) {
            LOG.infof("restored %d topic(s) and %d channel(s) from %s in %d ms", counts[0], counts[1],
                    options.dataPath.isEmpty() ? "." : options.dataPath, (System.nanoTime() - start) / 1_000_000);
            persistMetadataSoon(); // as nsqd saves after loading; in the background unless durable
        }
    }

    /** Returns the numbers of topics and channels restored. */
    private int[] restoreTopics() {
        int topics = 0;
        int channels = 0;
        for (MetadataFile.TopicMetadata t : metadata.load()) {
            if (!Names.isValidTopicName(t.name())) {
                LOG.warnf("nsqd.dat: skipping invalid topic name %s", t.name());
                continue;
            }
            Topic topic = getTopic(t.name());
            if (t.paused()) {
                topic.pause();
            }
            for (MetadataFile.ChannelMetadata c : t.channels() == null ? List.<MetadataFile.ChannelMetadata>of() : t.channels()) {
                if (Names.isValidChannelName(c.name())) {
                    Channel channel = topic.getChannel(c.name());
                    if (c.paused()) {
                        channel.pause();
                    }
                    channels++;
                }
            }
            topics++;
        }
        return new int[] {topics, channels};
    }

    /** Whether nsqd.dat is being restored (creations are then neither logged one by one nor announced). */
    boolean restoring() {
        return restoring;
    }

    /** Saves the topics and channels to nsqd.dat soon (on the announcer thread, after earlier changes). */
    void persistMetadataSoon() {
        if (restoring) {
            return; // restore() saves once at the end: never a half-restored nsqd.dat
        }
        if (durable()) {
            persistMetadata(); // a topic's messages are acknowledged only once the topic itself is on disk
        } else if (!announcer.isShutdown() && saveScheduled.compareAndSet(false, true)) {
            // one pending save covers every change before it runs: creating 10,000 topics is not 20,000 saves
            announcer.execute(() -> {
                saveScheduled.set(false);
                persistMetadata();
            });
        }
    }

    private synchronized void persistMetadata() {
        List<MetadataFile.TopicMetadata> list = new ArrayList<>();
        for (Topic t : topicsSorted()) {
            if (t.ephemeral) {
                continue;
            }
            List<MetadataFile.ChannelMetadata> channels = new ArrayList<>();
            for (Channel c : t.channels()) {
                if (!c.ephemeral) {
                    channels.add(new MetadataFile.ChannelMetadata(c.name, c.isPaused()));
                }
            }
            list.add(new MetadataFile.TopicMetadata(channels, t.name, t.isPaused()));
        }
        try {
            metadata.save(list, NsqVersion.NSQ);
        } catch (IOException e) {
            LOG.errorf("failed to persist metadata: %s", e.getMessage());
        }
    }

    /** Runs {@code task} once after {@code millis} on the broker's background thread. */
    void later(long millis, Runnable task) {
        if (!scanner.isShutdown()) {
            scanner.schedule(task, millis, TimeUnit.MILLISECONDS);
        }
    }

    long newMessageId() {
        return nextId.incrementAndGet();
    }

    Message newMessage(byte[] body) {
        return new Message(newMessageId(), timestampNow(), body);
    }

    /**
     * A batch of messages published together (MPUB): {@code count} consecutive ids taken at once and one timestamp,
     * so a batch costs one atomic update and one clock read, not one of each per message.
     */
    MessageBatch newMessages(int count) {
        return new MessageBatch(nextId.getAndAdd(count) + 1, timestampNow());
    }

    /** A new message's timestamp: nanoseconds since the epoch, at millisecond resolution. */
    private static long timestampNow() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    static final class MessageBatch {
        private long nextId;
        private final long timestamp;

        private MessageBatch(long firstId, long timestamp) {
            this.nextId = firstId;
            this.timestamp = timestamp;
        }

        Message next(byte[] body) {
            return new Message(nextId++, timestamp, body);
        }
    }

    LatencyWindow newLatencyWindow() {
        if (options.e2eProcessingLatencyPercentiles.isEmpty()) {
            return LatencyWindow.DISABLED;
        }
        return new LatencyWindow(options.e2eProcessingLatencyPercentiles, options.e2eProcessingLatencyWindowTime.toNanos());
    }

    /** Returns the topic, creating it when new; throws {@link MemoryBound.Refused} when the heap has no room for it. */
    Topic getTopic(String name) {
        Topic existing = topics.get(name);
        if (existing != null) {
            return existing;
        }
        checkRoomFor("topic " + name);
        boolean[] created = {false};
        Topic topic = topics.computeIfAbsent(name, n -> {
            created[0] = true;
            memoryBound.opened();
            return new Topic(n, this);
        });
        if (created[0] && !restoring) {
            LOG.infof("TOPIC(%s): created", name);
            announce(l -> l.topicCreated(name));
            persistMetadataSoon();
        }
        return topic;
    }

    /** Throws {@link MemoryBound.Refused} when one more topic or channel would cross the memory bound. */
    void checkRoomFor(String what) {
        if (!restoring) {
            memoryBound.checkRoomFor(what); // what nsqd.dat holds comes back whatever the bound
        }
    }

    /** A channel was created (counted against the memory bound). */
    void channelOpened() {
        memoryBound.opened();
    }

    /** A channel was deleted. */
    void channelClosed() {
        memoryBound.closed();
    }

    Topic existingTopic(String name) {
        return topics.get(name);
    }

    boolean deleteTopic(String name) {
        Topic topic = topics.remove(name);
        if (topic == null) {
            return false;
        }
        topic.delete();
        memoryBound.closed();
        LOG.infof("TOPIC(%s): deleted", name);
        announce(l -> l.topicDeleted(name));
        persistMetadataSoon();
        return true;
    }

    List<Topic> topicsSorted() {
        List<Topic> list = new ArrayList<>(topics.values());
        list.sort(Comparator.comparing(t -> t.name));
        return list;
    }

    void announceChannelCreated(String topic, String channel) {
        if (!restoring) {
            announce(l -> l.channelCreated(topic, channel));
            persistMetadataSoon();
        }
    }

    void announceChannelDeleted(String topic, String channel) {
        announce(l -> l.channelDeleted(topic, channel));
        persistMetadataSoon();
    }

    void addProducer(ClientConnection client) {
        producers.add(client);
    }

    void removeClient(ClientConnection client) {
        producers.remove(client);
    }

    @Override
    public Map<String, Set<String>> topicsAndChannels() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Topic t : topicsSorted()) {
            Set<String> names = new LinkedHashSet<>();
            t.channels().forEach(c -> names.add(c.name));
            out.put(t.name, names);
        }
        return out;
    }

    @Override
    public void ensureChannel(String topic, String channel) {
        if (Names.isValidTopicName(topic) && Names.isValidChannelName(channel)) {
            try {
                getTopic(topic).getChannel(channel);
            } catch (MemoryBound.Refused e) {
                // logged by the bound; the channel is created by its first consumer once there is room
            }
        }
    }

    // ---- health ----

    void reportHealth(Exception e) {
        String reason = "NOK - " + e.getMessage();
        if (!reason.equals(unhealthy)) {
            LOG.errorf("health: %s", reason);
        }
        unhealthy = reason;
    }

    void clearHealthIfRecovered() {
        if (unhealthy != null) {
            LOG.info("health: OK again");
            unhealthy = null;
        }
    }

    boolean isHealthy() {
        return unhealthy == null;
    }

    String health() {
        String u = unhealthy;
        return u == null ? "OK" : u;
    }

    long startTime() {
        return startTime;
    }

    // ---- stats ----

    NsqdStats stats(String topicFilter, String channelFilter, boolean includeClients, boolean includeMem) {
        List<TopicStats> topicStats = new ArrayList<>();
        for (Topic t : topicsSorted()) {
            if (topicFilter == null || topicFilter.equals(t.name)) {
                topicStats.add(t.stats(channelFilter, includeClients));
            }
        }
        List<ClientStats> producerStats = null;
        if (includeClients && !producers.isEmpty()) {
            producerStats = new ArrayList<>();
            for (ClientConnection p : producers) {
                producerStats.add(p.stats());
            }
        }
        return new NsqdStats(NsqVersion.NSQ, health(), startTime, topicStats, includeMem ? memoryStats() : null,
                producerStats);
    }

    static MemoryStats memoryStats() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long gcRuns = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcRuns += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long avgPauseUsec = gcRuns == 0 ? 0 : gcMillis * 1000 / gcRuns;
        return new MemoryStats(0, heap.getCommitted() - heap.getUsed(), heap.getUsed(), 0, avgPauseUsec, avgPauseUsec,
                avgPauseUsec, heap.getCommitted(), gcRuns);
    }

    // ---- lifecycle ----

    /** Clean shutdown: persist what is held in memory through the backends, then stop the background work. */
    public void shutdown() {
        scanner.shutdownNow();
        long start = System.nanoTime();
        for (Topic t : topicsSorted()) {
            try {
                t.flush();
            } catch (IOException e) {
                LOG.errorf("topic %s: flush at shutdown failed: %s", t.name, e.getMessage());
            }
        }
        persistMetadata();
        storage.close();
        backends.close();
        LOG.infof("flushed topics and channels to disk in %d ms", (System.nanoTime() - start) / 1_000_000);
        announcer.shutdown();
        try {
            announcer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called by a channel, under its lock, when it gets messages in flight or deferred. */
    void startScanning(Channel c) {
        scanned.add(c);
    }

    /** Called by a channel, under its lock, when it has nothing in flight or deferred any more. */
    void stopScanning(Channel c) {
        scanned.remove(c);
    }

    private void scanQueues() {
        long now = System.nanoTime();
        for (Channel c : scanned) {
            try {
                c.scan(now);
            } catch (RuntimeException e) {
                LOG.errorf("queue scan of %s:%s failed: %s", c.topic.name, c.name, e.getMessage());
            }
        }
    }

    private void announce(java.util.function.Consumer<TopologyListener> event) {
        if (listeners == null || listeners.isUnsatisfied()) {
            return;
        }
        announcer.execute(() -> {
            for (TopologyListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.warnf("topology listener %s failed: %s", l.getClass().getSimpleName(), e.getMessage());
                }
            }
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
