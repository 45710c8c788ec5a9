package io.jnsq.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client-to-server byte stream of NSQ's TCP protocols, cut into what a server reads: the 4-byte magic, command
 * lines ({@code NAME params\n}, an optional {@code \r} dropped), and the size-prefixed bodies some commands carry.
 *
 * <p>Incremental: bytes are appended as they arrive, in any fragmentation, and each byte is looked at once (a
 * large MPUB arriving in many reads is neither rescanned nor copied per read). The server drives it:
 * {@link #line} for the next command, then for commands with a body {@link #bodySize} (so limits are checked before
 * the body is waited for) and {@link #body}. Each returns {@code null} or {@code -1} when more bytes must arrive;
 * call it again after the next {@link #feed}. Not thread-safe: one connection's reader owns it.
 */
public final class CommandDecoder {

    /** What {@link #bodySize} returns while the 4-byte size has not arrived. */
    public static final int NEED_MORE = -1;

    private final int maxLine;
    private byte[] buf = new byte[4096];
    private int start; // first unread byte
    private int end; // one past the last byte fed
    private int scanned; // bytes from start already known to hold no '\n'

    /** {@code maxLine}: how long a line may grow without its {@code \n} before {@link #lineTooLong} says so. */
    public CommandDecoder(int maxLine) {
        this.maxLine = maxLine;
    }

    /** Appends bytes from the socket. */
    public void feed(byte[] data, int offset, int length) {
        ensureRoom(length);
        System.arraycopy(data, offset, buf, end, length);
        end += length;
    }

    public void feed(byte[] data) {
        feed(data, 0, data.length);
    }

    /** Appends the bytes remaining in {@code data} (a socket buffer, read without an intermediate array). */
    public void feed(java.nio.ByteBuffer data) {
        int length = data.remaining();
        ensureRoom(length);
        data.get(buf, end, length);
        end += length;
    }

    /** Bytes fed but not read yet. */
    public int available() {
        return end - start;
    }

    /** Takes the 4-byte protocol magic, or returns null until 4 bytes are there. */
    public byte[] magic() {
        return take(4);
    }

    /** Takes the next command line without its line end, or returns null until its {@code \n} arrives. */
    public Line line() {
        int from = start + scanned;
        for (int i = from; i < end; i++) {
            if (buf[i] == '\n') {
                int lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                Line line = new Line(buf, start, lineEnd);
                start = i + 1;
                scanned = 0;
                return line;
            }
        }
        scanned = end - start;
        return null;
    }

    /** Whether the line being read has grown past the limit without ending. */
    public boolean lineTooLong() {
        return end - start > maxLine;
    }

    /** Peeks the big-endian 4-byte body size that follows a command line, or {@link #NEED_MORE}. */
    public int bodySize() {
        if (end - start < 4) {
            return NEED_MORE;
        }
        return int32(buf, start);
    }

    /** Takes the 4-byte size and the {@code size} bytes of the body, or returns null until all have arrived. */
    public byte[] body(int size) {
        if (size < 0 || end - start - 4 < size) {
            return null;
        }
        byte[] body = Arrays.copyOfRange(buf, start + 4, start + 4 + size);
        start += 4 + size;
        maybeReset();
        return body;
    }

    /**
     * Takes the 4-byte size and the {@code size} bytes of the body like {@link #body}, without copying it: returns
     * where the body starts in {@link #buffer()} (valid until the next {@link #feed}), or -1 until all has arrived.
     */
    public int bodyAt(int size) {
        if (size < 0 || end - start - 4 < size) {
            return -1;
        }
        int at = start + 4;
        start += 4 + size;
        if (start == end) {
            start = 0; // the bytes stay where they are until the next feed
            end = 0;
            scanned = 0;
        }
        return at;
    }

    /** The array {@link #bodyAt} positions refer to. */
    public byte[] buffer() {
        return buf;
    }

    /** Takes {@code n} raw bytes (the stream switched to something else), or null until they are there. */
    public byte[] take(int n) {
        if (end - start < n) {
            return null;
        }
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        maybeReset();
        return out;
    }

    /** Takes everything fed and not read (for a stream that is compressed from here on). */
    public byte[] takeRest() {
        return take(end - start);
    }

    static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private void maybeReset() {
        if (start == end) {
            start = 0;
            end = 0;
            scanned = 0;
        }
    }

    private void ensureRoom(int more) {
        if (buf.length - end >= more) {
            return;
        }
        int live = end - start;
        if (live + more <= buf.length && start > 0) {
            System.arraycopy(buf, start, buf, 0, live); // slide down: the buffer has room once read bytes go
        } else {
            byte[] bigger = new byte[Math.max(buf.length * 2, live + more)];
            System.arraycopy(buf, start, bigger, 0, live);
            buf = bigger;
        }
        start = 0;
        end = live;
    }

    /**
     * One command line, a view into the decoder's buffer that stays valid until the next {@link #feed}. Commands on
     * the hot path (FIN, RDY) are read from it without building strings.
     */
    public static final class Line {
        private final byte[] buf;
        private final int from;
        private final int to;

        Line(byte[] buf, int from, int to) {
            this.buf = buf;
            this.from = from;
            this.to = to;
        }

        public int length() {
            return to - from;
        }

        public byte byteAt(int i) {
            return buf[from + i];
        }

        /** Whether the line is {@code word} followed by a space or its end. */
        public boolean startsWithWord(String word) {
            int n = word.length();
            if (length() < n || length() > n && buf[from + n] != ' ') {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (buf[from + i] != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Bytes {@code [offset, offset+n)} of the line. */
        public byte[] bytes(int offset, int n) {
            return Arrays.copyOfRange(buf, from + offset, from + offset + n);
        }

        /** The line split on single spaces, as nsqd's {@code bytes.Split(line, " ")}. */
        public String[] params() {
            return toString().split(" ", -1);
        }

        @Override
        public String toString() {
            return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }

        /** The raw bytes as ISO-8859-1 text (for error messages that echo what the client sent). */
        public String latin1(int offset, int n) {
            return new String(buf, from + offset, n, StandardCharsets.ISO_8859_1);
        }
    }
}
