package io.jnsq.broker;

import io.jnsq.broker.storage.BackendQueue;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The part of a topic's or channel's queue that lives in its {@link BackendQueue} (the disk), worked on a
 * {@link StorageThreads.Lane} so the caller never waits for the disk. Writes are queued and applied in order (each
 * batch answered by a future once the backend has it, and fsynced first in durable mode); reads are prefetched a
 * bounded batch at a time once someone reads, so a backlog of any size is streamed, never loaded whole. When prefetched messages
 * arrive, {@code onAvailable} runs (on the storage thread, outside this object's lock).
 *
 * <p>Thread-safe: its own lock guards the counts and the prefetch buffer; callers may hold their own lock when
 * calling in (the storage thread never calls back while holding this lock), except for {@link #empty},
 * {@link #delete} and {@link #flushAndClose}, which wait for the storage thread and so must be called without it.
 */
final class Backlog {

    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final int PREFETCH_MESSAGES = 512;
    private static final int PREFETCH_BYTES = 1 << 20;

    private final BackendQueue backend;
    private final StorageThreads.Lane lane;
    private final boolean durable;
    private final Runnable onAvailable;
    private final Consumer<IOException> onError;

    private final ArrayDeque<Message> prefetched = new ArrayDeque<>(0);
    /** Default mode: per prefetched batch, the backend's read mark after it and how many of it are still here. */
    private final ArrayDeque<long[]> batchEnds = new ArrayDeque<>(0);
    private long stored; // records in the backend not read yet, as of the last storage task
    private long writing; // messages handed to write() and not applied yet
    private boolean reading;
    private boolean demand; // polled since the last prefetch: read ahead only for someone who reads
    private long reads; // prefetch batches delivered (durable mode: see releaseReads)

    Backlog(BackendQueue backend, StorageThreads.Lane lane, boolean durable, Runnable onAvailable,
            Consumer<IOException> onError) {
        this.backend = backend;
        this.lane = lane;
        this.durable = durable;
        this.onAvailable = onAvailable;
        this.onError = onError;
        this.stored = backend.depth();
        maybePrefetch();
    }

    /** Whether the backend stores anything at all (a memory-only broker's refuses). */
    boolean acceptsWrites() {
        return backend.acceptsWrites();
    }

    /** Messages in the backlog: on disk, being written, or read ahead (nsqd's backend depth counts those too). */
    synchronized long depth() {
        return stored + writing + prefetched.size();
    }


    synchronized boolean isEmpty() {
        return stored + writing + prefetched.size() == 0;
    }

    /** Queues {@code batch} for the backend; the future completes once it is there (fsynced when durable). */
    CompletableFuture<Void> write(List<Message> batch) {
        List<byte[]> records = new ArrayList<>(batch.size());
        for (Message m : batch) {
            records.add(m.encode());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            writing += records.size();
        }
        lane.execute(() -> {
            IOException failure = null;
            try {
                for (byte[] r : records) {
                    backend.put(r);
                }
                if (durable) {
                    backend.sync();
                } else {
                    backend.flush(); // a full disk is known before the publisher is answered
                }
            } catch (IOException e) {
                failure = e;
            }
            synchronized (this) {
                writing -= records.size();
                stored = backend.depth();
            }
            maybePrefetch();
            if (failure == null) {
                done.complete(null);
            } else {
                onError.accept(failure);
                done.completeExceptionally(failure);
            }
        });
        return done;
    }

    /** Takes the oldest prefetched message, or null (then {@code onAvailable} runs when more is prefetched). */
    Message poll() {
        Message m;
        long[] handedOver = null;
        synchronized (this) {
            m = prefetched.poll();
            demand = true;
            long[] batch = m == null ? null : batchEnds.peek();
            if (batch != null && --batch[3] == 0) {
                handedOver = batchEnds.poll();
            }
        }
        if (handedOver != null) {
            // default mode: a whole read-ahead batch is now the owner's (memory, in flight), as nsqd's would be; until
            // then its messages are read again after a kill -9 instead of being lost with the read-ahead
            long[] mark = handedOver;
            lane.execute(() -> backend.commitReads(mark));
        }
        maybePrefetch();
        return m;
    }

    /**
     * Up to {@code max} of the next messages, in the order {@link #poll} gives them (read ahead, then the backend from
     * its read position), left where they are; stops once their bodies reach {@code maxBytes}. Runs on the storage
     * lane, after the writes queued before it and never during a prefetch, so the two parts join without a gap.
     */
    CompletableFuture<List<Message>> peek(int max, long maxBytes) {
        CompletableFuture<List<Message>> done = new CompletableFuture<>();
        lane.execute(() -> {
            List<Message> out = new ArrayList<>();
            long bytes = 0;
            synchronized (this) {
                for (Message m : prefetched) {
                    if (out.size() >= max || bytes >= maxBytes) {
                        break;
                    }
                    out.add(m);
                    bytes += m.body.length;
                }
            }
            try {
                if (out.size() < max && bytes < maxBytes) {
                    for (byte[] record : backend.peek(max - out.size(), maxBytes - bytes)) {
                        out.add(Message.decode(record));
                    }
                }
                done.complete(out);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Runs {@code io} on this backlog's storage lane, after what was queued before it. */
    CompletableFuture<Void> run(IoTask io) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lane.execute(() -> {
            try {
                io.run();
                done.complete(null);
            } catch (IOException e) {
                onError.accept(e);
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /**
     * Durable mode: the caller has nothing read from here unfinished (no message in flight, deferred or prefetched),
     * so the backend may commit its read position. Skipped if a prefetch delivers more in between.
     */
    void releaseReads() {
        if (!durable) {
            return;
        }
        long seen;
        synchronized (this) {
            if (!prefetched.isEmpty() || reading) {
                return;
            }
            seen = reads;
        }
        lane.execute(() -> {
            synchronized (this) {
                if (reads != seen || !prefetched.isEmpty() || reading) {
                    return;
                }
            }
            backend.holdReads(false);
        });
    }

    /** Discards everything, on disk and prefetched; returns once the backend is empty. */
    void empty() throws IOException {
        synchronized (this) {
            prefetched.clear();
            batchEnds.clear();
        }
        await(run(() -> {
            backend.empty();
            synchronized (this) {
                prefetched.clear();
                batchEnds.clear();
                stored = backend.depth();
            }
        }));
    }

    /** Discards everything and removes the backend's files. */
    void delete() throws IOException {
        synchronized (this) {
            prefetched.clear();
            batchEnds.clear();
        }
        await(run(() -> {
            backend.delete();
            synchronized (this) {
                prefetched.clear();
                batchEnds.clear();
                stored = 0;
            }
        }));
    }

    /**
     * Clean shutdown: waits for queued I/O, writes {@code extra} (the owner's memory and in-flight messages) and
     * what was prefetched back to the backend, and closes it.
     */
    void flushAndClose(List<Message> extra) throws IOException {
        await(run(() -> {
            List<Message> rest;
            synchronized (this) {
                rest = new ArrayList<>(prefetched);
                prefetched.clear();
                batchEnds.clear();
            }
            if (backend.acceptsWrites()) {
                for (Message m : rest) {
                    backend.put(m.encode());
                }
                for (Message m : extra) {
                    backend.put(m.encode());
                }
            }
            backend.close();
        }));
    }

    private void maybePrefetch() {
        synchronized (this) {
            if (reading || !demand || stored == 0 || prefetched.size() >= PREFETCH_MESSAGES / 2) {
                return;
            }
            reading = true;
        }
        lane.execute(this::prefetch);
    }

    private void prefetch() {
        List<Message> batch = new ArrayList<>();
        int bytes = 0;
        try {
            // what is read stays uncommitted until released: in durable mode once the owner has nothing read from here
            // unfinished (releaseReads), otherwise batch by batch as the read-ahead is handed over (poll)
            backend.holdReads(true);
            byte[] record;
            while (batch.size() < PREFETCH_MESSAGES && bytes < PREFETCH_BYTES && (record = backend.poll()) != null) {
                batch.add(Message.decode(record));
                bytes += record.length;
            }
        } catch (IOException | RuntimeException e) {
            onError.accept(e instanceof IOException io ? io : new IOException(e.getMessage(), e));
        }
        long[] mark = !durable && !batch.isEmpty() ? backend.readMark() : null;
        synchronized (this) {
            prefetched.addAll(batch);
            if (mark != null) {
                batchEnds.add(new long[] {mark[0], mark[1], mark[2], batch.size()});
            }
            stored = backend.depth();
            reading = false;
            demand = false;
            if (!batch.isEmpty()) {
                reads++;
            }
        }
        if (!batch.isEmpty()) {
            onAvailable.run();
        }
        maybePrefetch();
    }

    private static void await(CompletableFuture<Void> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Disk work that may fail. */
    interface IoTask {
        void run() throws IOException;
    }
}
