package io.jnsq.broker;

import java.util.Arrays;

/**
 * The messages of one channel that are out with consumers, ordered by deadline, so the timeout scan pops only what
 * has expired and a FIN/REQ/TOUCH can take one out wherever it is.
 *
 * <p>A message delivered (or touched) now with a consumer's timeout has a later deadline than every message given
 * that same timeout before it, so messages are kept in one list per timeout in use (a consumer's {@code
 * msg_timeout}; nearly always one or two per channel), linked through the messages themselves: adding one and taking
 * one out are O(1), with no reordering. What does not fit that order (a TOUCH capped by {@code --max-msg-timeout},
 * more distinct timeouts than there are lists) goes to an indexed binary min-heap, O(log n). The earliest deadline is
 * the earliest of the lists' heads and the heap's root.
 *
 * <p>{@link Message#queueSlot} says where a message is: {@code >= 0} its heap index, {@code -1} nowhere,
 * {@code <= -2} in list {@code -2 - slot}. Not thread-safe: the owning channel's lock guards it.
 */
final class InFlightQueue {

    private static final Message[] NONE = {};
    private static final long[] NO_TIMEOUTS = {};
    private static final int MAX_LISTS = 8;

    private Message[] heap = NONE; // allocated on the first message that needs it: an idle channel holds no array
    private int heapSize;
    private long[] listTimeout = NO_TIMEOUTS;
    private Message[] head = NONE;
    private Message[] tail = NONE;
    private int size;

    int size() {
        return size;
    }

    /** Adds {@code m}, whose deadline is now plus {@code timeout} (or earlier). */
    void add(Message m, long timeout) {
        int list = list(timeout);
        if (list >= 0 && (tail[list] == null || tail[list].deadline <= m.deadline)) {
            Message last = tail[list];
            m.prev = last;
            m.next = null;
            if (last == null) {
                head[list] = m;
            } else {
                last.next = m;
            }
            tail[list] = m;
            m.queueSlot = -2 - list;
        } else {
            heapAdd(m);
        }
        size++;
    }

    void remove(Message m) {
        int slot = m.queueSlot;
        if (slot == -1) {
            return;
        }
        if (slot >= 0) {
            heapRemove(slot);
        } else {
            int list = -2 - slot;
            if (m.prev == null) {
                head[list] = m.next;
            } else {
                m.prev.next = m.next;
            }
            if (m.next == null) {
                tail[list] = m.prev;
            } else {
                m.next.prev = m.prev;
            }
            m.prev = null;
            m.next = null;
        }
        m.queueSlot = -1;
        size--;
    }

    /** Moves {@code m} after its deadline changed to now plus {@code timeout} (or earlier). */
    void update(Message m, long timeout) {
        remove(m);
        add(m, timeout);
    }

    /** Removes and returns the message with the earliest deadline if it is at or before {@code now}. */
    Message pollExpired(long now) {
        Message first = heapSize > 0 ? heap[0] : null;
        for (Message h : head) {
            if (h != null && (first == null || h.deadline < first.deadline)) {
                first = h;
            }
        }
        if (first == null || first.deadline > now) {
            return null;
        }
        remove(first);
        return first;
    }

    void clear() {
        for (int i = 0; i < heapSize; i++) {
            heap[i].queueSlot = -1;
        }
        for (Message m : head) {
            while (m != null) {
                Message next = m.next;
                m.queueSlot = -1;
                m.prev = null;
                m.next = null;
                m = next;
            }
        }
        heap = NONE;
        heapSize = 0;
        listTimeout = NO_TIMEOUTS;
        head = NONE;
        tail = NONE;
        size = 0;
    }

    /** The list for {@code timeout}, made on first use; -1 when all lists are taken by other timeouts. */
    private int list(long timeout) {
        int n = listTimeout.length;
        for (int i = 0; i < n; i++) {
            if (listTimeout[i] == timeout) {
                return i;
            }
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == null) { // an empty list serves the new timeout
                listTimeout[i] = timeout;
                return i;
            }
        }
        if (n == MAX_LISTS) {
            return -1;
        }
        listTimeout = Arrays.copyOf(listTimeout, n + 1);
        head = Arrays.copyOf(head, n + 1);
        tail = Arrays.copyOf(tail, n + 1);
        listTimeout[n] = timeout;
        return n;
    }

    private void heapAdd(Message m) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, Math.max(16, heapSize * 2));
        }
        heap[heapSize] = m;
        m.queueSlot = heapSize;
        heapSize++;
        up(m.queueSlot);
    }

    private void heapRemove(int i) {
        heapSize--;
        if (i != heapSize) {
            heap[i] = heap[heapSize];
            heap[i].queueSlot = i;
            heap[heapSize] = null;
            if (!up(i)) {
                down(i);
            }
        } else {
            heap[heapSize] = null;
        }
    }

    private boolean up(int i) {
        boolean moved = false;
        Message m = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Message p = heap[parent];
            if (p.deadline <= m.deadline) {
                break;
            }
            heap[i] = p;
            p.queueSlot = i;
            i = parent;
            moved = true;
        }
        heap[i] = m;
        m.queueSlot = i;
        return moved;
    }

    private void down(int i) {
        Message m = heap[i];
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < heapSize && heap[right].deadline < heap[child].deadline) {
                child = right;
            }
            if (m.deadline <= heap[child].deadline) {
                break;
            }
            heap[i] = heap[child];
            heap[i].queueSlot = i;
            i = child;
        }
        heap[i] = m;
        m.queueSlot = i;
    }
}
