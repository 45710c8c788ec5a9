package io.jnsq.broker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A FIFO of messages on disk in go-diskqueue's format, so nsqd's data directory layout is kept: records
 * {@code [4-byte big-endian size][data]} appended to segment files {@code <name>.diskqueue.NNNNNN.dat} that roll at
 * {@code maxBytesPerFile}, and {@code <name>.diskqueue.meta.dat} holding depth and the read and write positions.
 * Data is fsynced and the metadata rewritten (atomically) every {@code syncEvery} writes, on {@link #sync()}, and on
 * close. Fully read segments are deleted. A bad record (impossible size, short segment) makes the reader skip to the
 * next segment; the skipped file is kept as {@code .bad} and the fault reported through {@link #lastError()}.
 * <p>
 * A failed write (a full disk) is rolled back: the segment is truncated to its last whole record and writing goes on
 * there once space is back, so no half record and no {@code .bad} file is left; the records that were lost with the
 * write were not yet acknowledged, and the next {@link #flush()} or {@link #sync()} by their publisher fails.
 * The read and write buffers and the open files exist only while the queue is used: {@link #releaseIfIdle()} lets go
 * of them, so thousands of idle queues cost no memory and no file descriptors.
 */
public final class DiskQueue implements BackendQueue {

    private static final Logger LOG = Logger.getLogger(DiskQueue.class);
    private static final int BUFFER = 256 * 1024;
    /** What follows {@code <name>.diskqueue.} in the names of a queue's files (and not in another queue's). */
    private static final Pattern OWN_FILE = Pattern.compile("\\d{6,}\\.dat(\\.bad)?|meta\\.dat(\\.tmp)?");

    private final String name;
    private final Path dir;
    private final long maxBytesPerFile;
    private final int minMsgSize;
    private final int maxMsgSize;
    private final long syncEvery;
    private final FileOpener files;
    /** The segment numbers found by one listing of the data directory for all queues; null: list it. */
    private final List<Long> knownSegments;

    private long depth;
    private long readFileNum;
    private long readPos;
    private long writeFileNum;
    private long writePos;
    /** Read position made durable in the metadata; may lag {@link #readPos} (see {@link #holdReads}). */
    private long committedReadFileNum;
    private long committedReadPos;
    /** Records read since open, and how many of them the committed read position is past (held: the rest). */
    private long readCount;
    private long committedReadCount;
    private boolean holdReads;

    private FileChannel writer;
    /** Whole records waiting for the writer; null while the queue is idle. */
    private ByteBuffer writeBuf;
    private int bufferedRecords;
    /** End of the last whole record known to be in the write segment: what a failed write is rolled back to. */
    private long writtenPos;
    /** Records were dropped by a failed write and their publisher has not been told yet. */
    private boolean dropUnreported;
    private FileChannel reader;
    /** Read-ahead of the read segment; null while the queue is idle. */
    private ByteBuffer readBuf;
    /** Used since the last {@link #releaseIfIdle()}. */
    private boolean used;
    /** File offset of the read buffer's first byte. */
    private long bufStart;
    private long unsynced;
    private boolean dirty;
    private volatile String lastError;
    private volatile String writeError;
    private boolean closed;
    /** In the constructor, when {@link #knownSegments} tells which segments exist without asking the disk. */
    private boolean opening;
    private LongConsumer syncTimes = nanos -> { };

    public DiskQueue(String name, Path dir, long maxBytesPerFile, int minMsgSize, int maxMsgSize, long syncEvery)
            throws IOException {
        this(name, dir, maxBytesPerFile, minMsgSize, maxMsgSize, syncEvery, FileChannel::open, null);
    }

    /**
     * With {@code segments}, the numbers of this queue's segment files as {@link #segmentsByQueue} found them in
     * {@code dir} (which exists), so that opening thousands of queues does not list the data directory once for each;
     * null when that listing found no file of this queue at all: it starts empty without touching the disk.
     */
    DiskQueue(String name, Path dir, long maxBytesPerFile, int minMsgSize, int maxMsgSize, long syncEvery,
            List<Long> segments) throws IOException {
        this(name, dir, maxBytesPerFile, minMsgSize, maxMsgSize, syncEvery, FileChannel::open,
                segments == null ? NO_FILES : segments);
    }

    /** What {@link #segmentsByQueue} found of a queue that has no file yet. */
    private static final List<Long> NO_FILES = new ArrayList<>(0);

    /** How the queue opens its segment and metadata files (tests put faults in between). */
    @FunctionalInterface
    interface FileOpener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    DiskQueue(String name, Path dir, long maxBytesPerFile, int minMsgSize, int maxMsgSize, long syncEvery,
            FileOpener files) throws IOException {
        this(name, dir, maxBytesPerFile, minMsgSize, maxMsgSize, syncEvery, files, null);
    }

    private DiskQueue(String name, Path dir, long maxBytesPerFile, int minMsgSize, int maxMsgSize, long syncEvery,
            FileOpener files, List<Long> segments) throws IOException {
        this.knownSegments = segments;
        this.files = files;
        this.name = name;
        this.dir = dir;
        this.maxBytesPerFile = maxBytesPerFile;
        this.minMsgSize = minMsgSize;
        this.maxMsgSize = maxMsgSize;
        this.syncEvery = Math.max(1, syncEvery);
        if (segments == null) {
            Files.createDirectories(dir);
        }
        if (segments != NO_FILES) {
            opening = true;
            try {
                readMetadata();
            } finally {
                opening = false; // the listing is of the start: from now on the files themselves are asked
            }
        } // else: no metadata and no segment, so every position is 0 (restoring 100,000 idle queues costs no syscall)
        writtenPos = writePos;
    }

    /**
     * While set, the read position written to the metadata stays where it was: after a crash, messages read since
     * are read again (at least once) instead of being lost with a consumer that had not finished them.
     */
    public synchronized void holdReads(boolean hold) {
        if (hold && !holdReads) {
            commitTo(readFileNum, readPos, readCount); // nothing read is held yet
        }
        this.holdReads = hold;
        if (!hold) {
            commitTo(readFileNum, readPos, readCount); // the segments read while held were kept for a crash; now they go
        }
    }

    /** Where reading has got to, for a later {@link #commitReads}. */
    @Override
    public synchronized long[] readMark() {
        return new long[] {readFileNum, readPos, readCount};
    }

    /**
     * While reads are held: the persisted read position moves up to {@code mark} (an earlier {@link #readMark}), and
     * the segments wholly before it go; reads after the mark stay held. A mark from before an empty is ignored.
     */
    @Override
    public synchronized void commitReads(long[] mark) {
        if (holdReads && mark[2] > committedReadCount) {
            commitTo(mark[0], mark[1], mark[2]);
        }
    }

    /** The committed read position becomes {@code fileNum}/{@code pos}, {@code count} records in; earlier segments go. */
    private void commitTo(long fileNum, long pos, long count) {
        if (fileNum == committedReadFileNum && pos == committedReadPos && count == committedReadCount) {
            return; // nothing new: an untouched queue stays clean, and closes without writing its metadata
        }
        for (long f = committedReadFileNum; f < fileNum; f++) {
            try {
                Files.deleteIfExists(segment(f));
            } catch (IOException e) {
                LOG.warnf("%s: cannot delete the read segment %s: %s", name, segment(f).getFileName(), e.getMessage());
            }
        }
        committedReadFileNum = fileNum;
        committedReadPos = pos;
        committedReadCount = count;
        dirty = true;
    }

    @Override
    public synchronized void put(byte[] data) throws IOException {
        if (closed) {
            throw new IOException("queue closed");
        }
        if (data.length < minMsgSize || data.length > maxMsgSize) {
            throw new IOException("invalid message write size (" + data.length + ") minMsgSize=" + minMsgSize
                    + " maxMsgSize=" + maxMsgSize);
        }
        used = true;
        try {
            openWriter();
            int need = 4 + data.length;
            if (writeBuf == null) {
                writeBuf = ByteBuffer.allocate(BUFFER);
            }
            if (writeBuf.remaining() < need) {
                flushWriteBuffer();
            }
            if (need > writeBuf.capacity()) {
                ByteBuffer big = ByteBuffer.allocate(need).putInt(data.length).put(data).flip();
                while (big.hasRemaining()) {
                    writer.write(big);
                }
                writtenPos += need;
            } else {
                writeBuf.putInt(data.length).put(data);
                bufferedRecords++;
            }
            writePos += need;
            depth++;
            dirty = true;
            if (writePos >= maxBytesPerFile) {
                flushWriteBuffer();
                writer.force(false);
                writer.close();
                writer = null;
                writeFileNum++;
                writePos = 0;
                writtenPos = 0;
                writeMetadata();
            }
            if (++unsynced >= syncEvery) {
                sync();
            }
        } catch (IOException e) {
            writeFailed(e);
            throw e;
        }
    }

    /** Writes what is buffered to the file (no fsync); a write error is thrown, after {@link #writeFailed}. */
    public synchronized void flush() throws IOException {
        if (closed) {
            return;
        }
        try {
            flushWriteBuffer();
        } catch (IOException e) {
            writeFailed(e);
            dropUnreported = false;
            throw e;
        }
        reportDrop();
        writeError = null;
    }

    /** A failed write (maybe the syncer's) dropped records put since the caller's last flush: the caller is told. */
    private void reportDrop() throws IOException {
        if (dropUnreported) {
            dropUnreported = false;
            throw new IOException(writeError == null ? "write failed" : writeError);
        }
    }

    /** The current write failure (full disk, I/O error), or null once writes succeed again. */
    public String writeError() {
        return writeError;
    }

    /**
     * A write failed: what was buffered is dropped (its publishers are told), and the segment is cut back to its last
     * whole record, where writing resumes once it can.
     */
    private void writeFailed(IOException e) {
        String error = "write to " + name + " failed: " + e.getMessage();
        if (!error.equals(writeError)) {
            LOG.error(error); // once per fault, not once per refused publish
        }
        writeError = error;
        long dropped = bufferedRecords;
        if (writeBuf != null) {
            writeBuf.clear();
        }
        bufferedRecords = 0;
        if (writePos > writtenPos) {
            // only the records after writtenPos are lost; those before it are whole in the file
            depth -= dropped;
            dropUnreported = true;
        }
        writePos = writtenPos;
        try {
            if (writer == null && Files.exists(segment(writeFileNum))) {
                writer = files.open(segment(writeFileNum), StandardOpenOption.WRITE);
            }
            if (writer != null) {
                writer.truncate(writtenPos);
                writer.position(writtenPos);
            }
        } catch (IOException truncateFailed) {
            LOG.errorf("%s: cannot cut %s back to %d: %s; the rest is ignored on the next start", name,
                    segment(writeFileNum).getFileName(), writtenPos, truncateFailed.getMessage());
            closeWriterQuietly();
        }
    }

    private void closeWriterQuietly() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // already failing
            }
            writer = null;
        }
    }

    private void openWriter() throws IOException {
        if (writer == null) {
            writer = files.open(segment(writeFileNum), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (writer.size() > writtenPos) {
                writer.truncate(writtenPos); // a tail a failed write could not cut back before
            }
            writer.position(writtenPos);
        }
    }

    @Override
    public synchronized byte[] poll() throws IOException {
        used = true;
        // each pass either returns a record or moves past a segment, so this ends
        for (long passes = writeFileNum - readFileNum + 2; depth > 0 && passes > 0; passes--) {
            if (readFileNum == writeFileNum) {
                if (readPos >= writePos) {
                    break;
                }
                try {
                    flushWriteBuffer(); // the record may still be in our own write buffer
                } catch (IOException e) {
                    writeFailed(e); // what was dropped was not acknowledged; its publisher hears of it
                    continue;
                }
            }
            byte[] record = readRecord();
            if (record != null) {
                depth--;
                readCount++;
                dirty = true;
                return record;
            }
        }
        if (depth > 0 && readFileNum == writeFileNum && readPos >= writePos) {
            LOG.warnf("%s: depth said %d but nothing is left to read; corrected", name, depth);
            depth = 0;
        }
        return null;
    }

    /**
     * Reads from a cursor of its own, started at the read position: the reader's position, buffer and open file, the
     * depth and the metadata stay as they were. Records still in the write buffer are read from there (not flushed).
     */
    @Override
    public synchronized List<byte[]> peek(int max, long maxBytes) throws IOException {
        Peeked out = new Peeked(max, maxBytes);
        long file = readFileNum;
        long pos = readPos;
        while (file <= writeFileNum && out.wantsMore()) {
            Path seg = segment(file);
            long end = file == writeFileNum ? writtenPos : Long.MAX_VALUE;
            if (pos < end && Files.exists(seg)) {
                try (FileChannel ch = files.open(seg, StandardOpenOption.READ)) {
                    pos = peekSegment(ch, pos, Math.min(end, ch.size()), out);
                }
                if (pos < 0) {
                    return out.records; // a record the reader will skip: what comes after it is not next
                }
            }
            if (file == writeFileNum) {
                if (pos >= writtenPos && writeBuf != null && out.wantsMore()) {
                    ByteBuffer buffered = writeBuf.duplicate().flip().position((int) (pos - writtenPos));
                    while (out.wantsMore() && buffered.remaining() >= 4) {
                        byte[] record = new byte[buffered.getInt()];
                        buffered.get(record);
                        out.add(record);
                    }
                }
                break;
            }
            file++;
            pos = 0;
        }
        return out.records;
    }

    /** Records of one segment from {@code pos} to {@code end} into {@code out}; the position after them, or -1 at a bad one. */
    private long peekSegment(FileChannel ch, long pos, long end, Peeked out) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        while (out.wantsMore() && pos + 4 <= end) {
            len.clear();
            readFully(ch, len, pos);
            int size = len.flip().getInt();
            if (size < minMsgSize || size > maxMsgSize || pos + 4 + size > end) {
                return -1;
            }
            byte[] record = new byte[size];
            readFully(ch, ByteBuffer.wrap(record), pos + 4);
            out.add(record);
            pos += 4 + size;
        }
        return pos;
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            int n = ch.read(into, at);
            if (n < 0) {
                throw new IOException("segment ended under a peek");
            }
            at += n;
        }
    }

    /** What a peek collected, and whether it may take more. */
    private static final class Peeked {
        final List<byte[]> records = new ArrayList<>();
        final int max;
        final long maxBytes;
        long bytes;

        Peeked(int max, long maxBytes) {
            this.max = max;
            this.maxBytes = maxBytes;
        }

        boolean wantsMore() {
            return records.size() < max && bytes < maxBytes;
        }

        void add(byte[] record) {
            records.add(record);
            bytes += record.length;
        }
    }

    @Override
    public synchronized long depth() {
        return depth;
    }

    @Override
    public synchronized void empty() throws IOException {
        dropBuffered();
        closeFiles();
        deleteFiles();
        readFileNum = writeFileNum + 1;
        writeFileNum = readFileNum;
        readPos = 0;
        writePos = 0;
        writtenPos = 0;
        depth = 0;
        committedReadFileNum = readFileNum;
        committedReadPos = 0;
        committedReadCount = readCount;
        writeMetadata();
    }

    @Override
    public synchronized void delete() throws IOException {
        dropBuffered();
        closeFiles();
        closed = true;
        deleteFiles();
    }

    private void dropBuffered() {
        if (writeBuf != null) {
            writeBuf.clear();
        }
        bufferedRecords = 0;
    }

    /**
     * Lets go of the buffers and open files of a queue that was not used since the last call (the syncer calls it
     * every sync interval): they come back on the next put or poll.
     */
    public synchronized void releaseIfIdle() throws IOException {
        if (used || closed) {
            used = false;
            return;
        }
        if (writeBuf != null && writeBuf.position() > 0) {
            return; // not flushed yet (a failing disk): kept for the next sync
        }
        closeFiles();
        writeBuf = null;
        readBuf = null;
    }

    /** Tells {@code observer} how long each {@link #sync()} took, in nanoseconds. */
    synchronized void onSync(LongConsumer observer) {
        this.syncTimes = observer;
    }

    @Override
    public synchronized void sync() throws IOException {
        if (closed || !dirty) {
            return;
        }
        try {
            long start = System.nanoTime();
            flushWriteBuffer();
            if (writer != null) {
                writer.force(false);
            }
            writeMetadata();
            syncTimes.accept(System.nanoTime() - start);
        } catch (IOException e) {
            writeFailed(e);
            throw e;
        }
        unsynced = 0;
        dirty = false;
        reportDrop();
        writeError = null;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        holdReads(false); // marks the queue dirty when reads were held: the position on disk is the held one
        sync(); // only when something changed: thousands of untouched queues close without an fsync each
        closeFiles();
        closed = true;
    }

    /** The last corruption found (a skipped bad segment, rebuilt metadata), or null. */
    public String lastError() {
        return lastError;
    }

    // ---- reading ----

    private byte[] readRecord() throws IOException {
        if (reader == null) {
            Path seg = segment(readFileNum);
            if (!Files.exists(seg)) {
                skipToNextSegment("missing segment " + seg.getFileName());
                return null;
            }
            reader = files.open(seg, StandardOpenOption.READ);
            if (readBuf == null) {
                readBuf = ByteBuffer.allocate(BUFFER);
            }
            readBuf.clear().limit(0);
            bufStart = readPos;
        }
        if (!ensureReadable(4)) {
            return endOfSegment();
        }
        int size = readBuf.getInt();
        if (size < minMsgSize || size > maxMsgSize) {
            badSegment("invalid message read size (" + size + ")");
            return null;
        }
        byte[] data = new byte[size];
        if (size <= readBuf.capacity()) {
            if (!ensureReadable(size)) {
                badSegment("truncated record of " + size + " bytes");
                return null;
            }
            readBuf.get(data);
        } else {
            // larger than our buffer: read it straight from the file
            ByteBuffer big = ByteBuffer.wrap(data);
            int have = readBuf.remaining();
            big.put(readBuf);
            long at = readPos + 4 + have;
            while (big.hasRemaining()) {
                int n = reader.read(big, at);
                if (n <= 0) {
                    badSegment("truncated record of " + size + " bytes");
                    return null;
                }
                at += n;
            }
            readBuf.clear().limit(0);
            bufStart = readPos + 4 + size;
        }
        readPos += 4 + size;
        if (readFileNum < writeFileNum && readPos >= maxBytesPerFile) {
            nextSegment();
        }
        return data;
    }

    /** The segment ended before its rolled size: fine for the current write file, a fault for an older one. */
    private byte[] endOfSegment() throws IOException {
        if (readFileNum < writeFileNum) {
            nextSegment();
        }
        return null;
    }

    /** Makes {@code n} bytes available in the read buffer, whose position always maps to file offset bufStart+position. */
    private boolean ensureReadable(int n) throws IOException {
        if (readBuf.remaining() >= n) {
            return true;
        }
        bufStart += readBuf.position();
        readBuf.compact();
        // in the segment being written, bytes past writePos are not ours yet (or are a crash's leftovers)
        if (readFileNum == writeFileNum) {
            long room = writePos - bufStart;
            readBuf.limit((int) Math.max(readBuf.position(), Math.min(readBuf.capacity(), room)));
        }
        while (readBuf.position() < n && readBuf.hasRemaining()) {
            int read = reader.read(readBuf, bufStart + readBuf.position());
            if (read <= 0) {
                break;
            }
        }
        readBuf.flip();
        return readBuf.remaining() >= n;
    }

    private void nextSegment() throws IOException {
        long done = readFileNum;
        closeReader();
        readFileNum++;
        readPos = 0;
        if (!holdReads) {
            Files.deleteIfExists(segment(done));
        }
    }

    private void badSegment(String why) throws IOException {
        Path bad = segment(readFileNum);
        lastError = name + ": " + why + " in " + bad.getFileName() + "; skipped the rest of the segment";
        LOG.error(lastError);
        closeReader();
        try {
            Files.move(bad, bad.resolveSibling(bad.getFileName() + ".bad"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warnf("%s: could not rename %s: %s", name, bad.getFileName(), e.getMessage());
        }
        if (readFileNum == writeFileNum) {
            // the segment being written is bad: start writing a new one
            closeWriterQuietly();
            dropBuffered();
            writeFileNum++;
            writePos = 0;
            writtenPos = 0;
        }
        readFileNum++;
        readPos = 0;
        depth = countRecoverableDepth();
        dirty = true;
    }

    private void skipToNextSegment(String why) {
        lastError = name + ": " + why + "; skipped";
        LOG.error(lastError);
        readFileNum++;
        readPos = 0;
        depth = countRecoverableDepth();
    }

    private void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (readBuf != null) {
            readBuf.clear().limit(0);
        }
    }

    // ---- writing ----

    private void flushWriteBuffer() throws IOException {
        if (writeBuf == null || writeBuf.position() == 0) {
            return;
        }
        openWriter();
        writeBuf.flip();
        while (writeBuf.hasRemaining()) {
            writer.write(writeBuf);
        }
        writeBuf.clear();
        bufferedRecords = 0;
        writtenPos = writePos;
    }

    private void closeFiles() throws IOException {
        flushWriteBuffer();
        if (writer != null) {
            writer.close();
            writer = null;
        }
        closeReader();
    }

    // ---- metadata ----

    private Path segment(long num) {
        return dir.resolve(String.format("%s.diskqueue.%06d.dat", name, num));
    }

    private Path meta() {
        return dir.resolve(name + ".diskqueue.meta.dat");
    }

    private void writeMetadata() throws IOException {
        long rf = holdReads ? committedReadFileNum : readFileNum;
        long rp = holdReads ? committedReadPos : readPos;
        long d = holdReads ? depth + readCount - committedReadCount : depth; // held reads are still in the queue
        String text = d + "\n" + rf + "," + rp + "\n" + writeFileNum + "," + writePos + "\n";
        Path tmp = dir.resolve(name + ".diskqueue.meta.dat.tmp");
        try (FileChannel ch = files.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // a half-written copy (full disk) must not take the space
            throw e;
        }
        try {
            Files.move(tmp, meta(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, meta(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void readMetadata() throws IOException {
        Path meta = meta();
        List<String> lines;
        try {
            lines = new String(Files.readAllBytes(meta), StandardCharsets.US_ASCII).lines().toList();
        } catch (java.nio.file.NoSuchFileException e) {
            recoverFromSegments(null);
            return;
        }
        try {
            depth = Long.parseLong(lines.get(0).trim());
            String[] r = lines.get(1).trim().split(",");
            String[] w = lines.get(2).trim().split(",");
            readFileNum = Long.parseLong(r[0]);
            readPos = Long.parseLong(r[1]);
            writeFileNum = Long.parseLong(w[0]);
            writePos = Long.parseLong(w[1]);
            // what the metadata calls the end may be behind what was written after the last sync: keep it all
            long actualEnd = segmentExists(writeFileNum) ? Files.size(segment(writeFileNum)) : 0;
            if (actualEnd > writePos) {
                writePos = validEnd(segment(writeFileNum), writePos);
            }
            long later = highestSegment();
            if (later > writeFileNum) {
                writeFileNum = later;
                writePos = validEnd(segment(later), 0);
            }
            depth = countRecoverableDepth();
        } catch (RuntimeException e) {
            recoverFromSegments("unreadable metadata " + meta.getFileName() + " (" + e.getMessage() + ")");
        }
        committedReadFileNum = readFileNum;
        committedReadPos = readPos;
    }

    /** Without usable metadata, rebuild positions from the segment files themselves. */
    private void recoverFromSegments(String why) throws IOException {
        List<Long> nums = segmentNumbers();
        if (why != null) {
            lastError = name + ": " + why + "; rebuilt from " + nums.size() + " segment(s)";
            LOG.error(lastError);
        }
        if (nums.isEmpty()) {
            readFileNum = writeFileNum = 0;
            readPos = writePos = 0;
            depth = 0;
        } else {
            readFileNum = nums.get(0);
            readPos = 0;
            writeFileNum = nums.get(nums.size() - 1);
            writePos = validEnd(segment(writeFileNum), 0);
            depth = countRecoverableDepth();
        }
        committedReadFileNum = readFileNum;
        committedReadPos = readPos;
    }

    /** The end of the last whole record at or after {@code from} (a crash can leave half a record). */
    private long validEnd(Path seg, long from) throws IOException {
        long size = Files.size(seg);
        long pos = from;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(4);
            while (pos + 4 <= size) {
                len.clear();
                ch.read(len, pos);
                int n = len.flip().getInt();
                if (n < minMsgSize || n > maxMsgSize || pos + 4 + n > size) {
                    break;
                }
                pos += 4 + n;
            }
        }
        if (pos < size) {
            LOG.warnf("%s: %d trailing byte(s) of an unfinished write in %s ignored", name, size - pos, seg.getFileName());
        }
        return pos;
    }

    /** Counts the whole records between the read and the write positions. */
    private long countRecoverableDepth() {
        long count = 0;
        try {
            for (long f = readFileNum; f <= writeFileNum; f++) {
                if (!segmentExists(f)) {
                    continue;
                }
                Path seg = segment(f);
                long start = f == readFileNum ? readPos : 0;
                long end = f == writeFileNum ? writePos : Files.size(seg);
                try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
                    ByteBuffer len = ByteBuffer.allocate(4);
                    long pos = start;
                    while (pos + 4 <= end) {
                        len.clear();
                        ch.read(len, pos);
                        int n = len.flip().getInt();
                        if (n < minMsgSize || n > maxMsgSize || pos + 4 + n > end) {
                            break;
                        }
                        pos += 4 + n;
                        count++;
                    }
                }
            }
        } catch (IOException e) {
            LOG.warnf("%s: counting stored messages: %s", name, e.getMessage());
        }
        return count;
    }

    /** Whether segment {@code f} is on disk (while opening, as the start's directory listing found it). */
    private boolean segmentExists(long f) {
        return opening && knownSegments != null ? knownSegments.contains(f) : Files.exists(segment(f));
    }

    private List<Long> segmentNumbers() throws IOException {
        if (knownSegments != null) {
            return knownSegments;
        }
        List<Long> nums = new ArrayList<>();
        String prefix = name + ".diskqueue.";
        try (var stream = Files.list(dir)) {
            stream.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith(prefix) && f.endsWith(".dat") && !f.endsWith("meta.dat"))
                    .forEach(f -> {
                        try {
                            nums.add(Long.parseLong(f.substring(prefix.length(), f.length() - 4)));
                        } catch (NumberFormatException ignored) {
                            // not one of ours
                        }
                    });
        }
        nums.sort(Long::compare);
        return nums;
    }

    /**
     * One listing of {@code dir}: each queue's segment numbers, sorted, by queue name; a queue with only a metadata file
     * is there with no segment, and one with no file at all is not there.
     */
    static java.util.Map<String, List<Long>> segmentsByQueue(Path dir) throws IOException {
        java.util.Map<String, List<Long>> byQueue = new java.util.HashMap<>();
        if (!Files.isDirectory(dir)) {
            return byQueue;
        }
        Pattern segment = Pattern.compile("(.+)\\.diskqueue\\.(\\d{6,})\\.dat");
        Pattern meta = Pattern.compile("(.+)\\.diskqueue\\.meta\\.dat");
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String file = p.getFileName().toString();
                var m = segment.matcher(file);
                if (m.matches()) {
                    byQueue.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Long.parseLong(m.group(2)));
                } else if ((m = meta.matcher(file)).matches()) {
                    byQueue.computeIfAbsent(m.group(1), k -> new ArrayList<>());
                }
            }
        }
        byQueue.values().forEach(l -> l.sort(Long::compare));
        return byQueue;
    }

    private long highestSegment() throws IOException {
        List<Long> nums = segmentNumbers();
        return nums.isEmpty() ? -1 : nums.get(nums.size() - 1);
    }

    /** Every file of this queue: segments (also ones set aside as .bad), metadata and its temporary copy. */
    private void deleteFiles() throws IOException {
        String prefix = name + ".diskqueue.";
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String f = p.getFileName().toString();
                if (f.startsWith(prefix) && OWN_FILE.matcher(f.substring(prefix.length())).matches()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
