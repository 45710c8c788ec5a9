package io.jnsq.broker.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Opens the backend queue behind each topic and channel: ephemeral ones discard what does not fit in memory (as in
 * nsqd); the others spill to a {@link DiskQueue} in the data path. Runs the periodic sync ({@code --sync-timeout}).
 * In durable mode ({@code --sync-every=1}) queues are synced by the broker once per publish batch instead.
 */
public class BackendQueues implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BackendQueues.class);

    private final Path dataPath;
    private final long maxBytesPerFile;
    private final int maxMsgSize;
    private final long syncEvery;
    private final boolean durable;
    private final Set<DiskQueue> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService syncer;
    private Map<String, List<Long>> segmentsAtStart;
    private volatile LongConsumer syncTimes = nanos -> { };

    /** No disk: what does not fit in memory is refused. */
    public BackendQueues() {
        this.dataPath = null;
        this.maxBytesPerFile = 0;
        this.maxMsgSize = 0;
        this.syncEvery = 0;
        this.durable = false;
        this.syncer = null;
    }

    public BackendQueues(Path dataPath, long maxBytesPerFile, int maxMsgSize, long syncEvery, long syncTimeoutMillis) {
        this.dataPath = dataPath;
        this.maxBytesPerFile = maxBytesPerFile;
        this.maxMsgSize = maxMsgSize;
        this.durable = syncEvery == 1;
        this.syncEvery = durable ? Long.MAX_VALUE : syncEvery;
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nsqd-disk-sync");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, syncTimeoutMillis);
        syncer.scheduleWithFixedDelay(this::syncAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Whether publishes are acknowledged only once on disk (memory queues are bypassed). */
    public boolean durable() {
        return durable;
    }

    /** {@code name} is {@code topic} or {@code topic:channel}, as nsqd names its queue files. */
    public BackendQueue open(String name, boolean ephemeral) {
        if (ephemeral) {
            return new DiscardingBackendQueue(name);
        }
        if (dataPath == null) {
            return new RefusingBackendQueue();
        }
        try {
            // the on-disk record is the encoded message: 26 header bytes plus the body
            DiskQueue q = new DiskQueue(name, dataPath, maxBytesPerFile, 26 + 1, 26 + maxMsgSize, syncEvery,
                    segmentsFoundAtStart(name));
            q.onSync(nanos -> syncTimes.accept(nanos));
            open.add(q);
            return new Tracked(q);
        } catch (IOException e) {
            LOG.errorf("cannot open the disk queue of %s in %s: %s; it will refuse what memory cannot hold", name,
                    dataPath, e.getMessage());
            return new RefusingBackendQueue();
        }
    }

    /** Tells {@code observer} how long each fsync of any disk queue took, in nanoseconds (for /metrics). */
    public void onSync(LongConsumer observer) {
        this.syncTimes = observer;
    }

    /**
     * The segments of {@code name} that were in the data path when the broker started (listed once for all queues,
     * after creating the directory), or null when it had no file at all: a queue opened later has none, since deleting
     * a queue removes its files.
     */
    private synchronized List<Long> segmentsFoundAtStart(String name) throws IOException {
        if (segmentsAtStart == null) {
            java.nio.file.Files.createDirectories(dataPath);
            segmentsAtStart = DiskQueue.segmentsByQueue(dataPath);
        }
        return segmentsAtStart.remove(name);
    }

    /** The first fault any open disk queue reports, or null. */
    public String lastError() {
        for (DiskQueue q : open) {
            String e = q.lastError();
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Syncs every queue, and lets idle ones release their buffers and files. A failure was logged by its queue. */
    private void syncAll() {
        for (DiskQueue q : open) {
            try {
                q.sync();
                q.releaseIfIdle();
            } catch (IOException e) {
                LOG.debugf("disk sync failed: %s", e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("disk sync failed", e);
            }
        }
    }

    @Override
    public void close() {
        if (syncer != null) {
            syncer.shutdownNow();
        }
    }

    /** Forgets a queue once it is closed or deleted, so the syncer lets go of it. */
    private final class Tracked implements BackendQueue {
        private final DiskQueue q;

        Tracked(DiskQueue q) {
            this.q = q;
        }

        @Override
        public void put(byte[] encodedMessage) throws IOException {
            q.put(encodedMessage);
        }

        @Override
        public byte[] poll() throws IOException {
            return q.poll();
        }

        @Override
        public java.util.List<byte[]> peek(int max, long maxBytes) throws IOException {
            return q.peek(max, maxBytes);
        }

        @Override
        public long depth() {
            return q.depth();
        }

        @Override
        public void holdReads(boolean hold) {
            q.holdReads(hold);
        }

        @Override
        public long[] readMark() {
            return q.readMark();
        }

        @Override
        public void commitReads(long[] mark) {
            q.commitReads(mark);
        }

        @Override
        public void empty() throws IOException {
            q.empty();
        }

        @Override
        public void delete() throws IOException {
            open.remove(q);
            q.delete();
        }

        @Override
        public void flush() throws IOException {
            q.flush();
        }

        @Override
        public void sync() throws IOException {
            q.sync();
        }

        @Override
        public void close() throws IOException {
            open.remove(q);
            q.close();
        }
    }
}
