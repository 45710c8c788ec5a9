package io.jnsq.broker.storage;

import java.io.Closeable;

/**
 * Where a topic or channel keeps the messages that do not fit in memory: a FIFO of encoded messages (nsqd's on-disk
 * message format). The in-memory queue sits in front of it; order of arrival is kept across both.
 */
public interface BackendQueue extends Closeable {

    /** Appends one encoded message. Throws when it cannot be stored; the caller then answers E_PUB_FAILED. */
    void put(byte[] encodedMessage) throws java.io.IOException;

    /** Whether {@link #put} stores messages at all; a memory-only broker's backend refuses every write. */
    default boolean acceptsWrites() {
        return true;
    }

    /**
     * Durable mode: while messages read from here are still unfinished, keep the persisted read position where it
     * was, so a crash re-delivers them instead of losing them.
     */
    default void holdReads(boolean hold) {
    }

    /** Where reading has got to (opaque), or null for a backend without read positions. */
    default long[] readMark() {
        return null;
    }

    /** While reads are held, moves the persisted read position up to {@code mark} (from {@link #readMark}). */
    default void commitReads(long[] mark) {
    }

    /** Takes the oldest message, or returns {@code null} when the queue is empty. */
    byte[] poll() throws java.io.IOException;

    /**
     * Up to {@code max} of the oldest messages, from where {@link #poll} would read next, left where they are (a
     * cursor of its own: nothing read, moved or counted). Stops once {@code maxBytes} are reached (so at most that
     * plus one message), at the end, or at a record {@link #poll} would have to skip.
     */
    java.util.List<byte[]> peek(int max, long maxBytes) throws java.io.IOException;

    /** How many messages are stored. */
    long depth();

    /** Discards every stored message (empty a topic or channel). */
    void empty() throws java.io.IOException;

    /** Discards every message and removes the queue's files (delete a topic or channel). */
    void delete() throws java.io.IOException;

    /**
     * Hands what {@link #put} buffered to the operating system (no fsync), so that a full disk or a write error is
     * known before the publisher is answered.
     */
    default void flush() throws java.io.IOException {
    }

    /** Forces what was written to stable storage. */
    void sync() throws java.io.IOException;

    /** Syncs and releases the files; the queue can be reopened from the same place. */
    @Override
    void close() throws java.io.IOException;
}
