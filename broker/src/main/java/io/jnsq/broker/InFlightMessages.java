package io.jnsq.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel's in-flight messages by id (nsqd's {@code inFlightMessages} map): open addressing on the primitive id,
 * so FIN, REQ and TOUCH find their message without boxing the id or allocating a map entry per delivery. Not
 * thread-safe: the owning channel's lock guards it.
 */
final class InFlightMessages {

    private static final long[] NO_IDS = {};
    private static final Message[] NO_MESSAGES = {};

    // allocated on the first delivery and dropped again when the channel is emptied: an idle channel holds no table
    private long[] ids = NO_IDS;
    private Message[] messages = NO_MESSAGES;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Message get(long id) {
        if (size == 0) {
            return null;
        }
        int mask = ids.length - 1;
        for (int i = slot(id, mask); ; i = (i + 1) & mask) {
            Message m = messages[i];
            if (m == null || ids[i] == id) {
                return m;
            }
        }
    }

    /** Adds or replaces the message with {@code m.id}. */
    void put(Message m) {
        if ((size + 1) * 2 > ids.length) {
            grow();
        }
        int mask = ids.length - 1;
        for (int i = slot(m.id, mask); ; i = (i + 1) & mask) {
            if (messages[i] == null) {
                ids[i] = m.id;
                messages[i] = m;
                size++;
                return;
            }
            if (ids[i] == m.id) {
                messages[i] = m;
                return;
            }
        }
    }

    /** Removes and returns the message with {@code id}, or null. */
    Message remove(long id) {
        if (size == 0) {
            return null;
        }
        int mask = ids.length - 1;
        int i = slot(id, mask);
        while (messages[i] != null && ids[i] != id) {
            i = (i + 1) & mask;
        }
        Message removed = messages[i];
        if (removed == null) {
            return null;
        }
        size--;
        // backward-shift deletion: later entries of the probe run move up, so lookups never need tombstones
        int gap = i;
        for (int j = (gap + 1) & mask; messages[j] != null; j = (j + 1) & mask) {
            int home = slot(ids[j], mask);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                ids[gap] = ids[j];
                messages[gap] = messages[j];
                gap = j;
            }
        }
        messages[gap] = null;
        return removed;
    }

    List<Message> values() {
        List<Message> out = new ArrayList<>(size);
        for (Message m : messages) {
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    void clear() {
        ids = NO_IDS;
        messages = NO_MESSAGES;
        size = 0;
    }

    private void grow() {
        long[] oldIds = ids;
        Message[] oldMessages = messages;
        int length = Math.max(16, oldIds.length * 2);
        ids = new long[length];
        messages = new Message[length];
        size = 0;
        for (Message m : oldMessages) {
            if (m != null) {
                put(m);
            }
        }
    }

    private static int slot(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L; // Fibonacci hashing: sequential ids spread over the table
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
