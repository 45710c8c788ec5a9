package io.jnsq.broker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A disk of {@code space} bytes for {@link DiskQueue}'s files, failing as a full file system does: a write that does
 * not fit writes what fits and then fails with "No space left on device". Truncating gives the space back.
 */
final class LimitedDisk implements DiskQueue.FileOpener {

    private long free;
    final AtomicInteger openFiles = new AtomicInteger();

    LimitedDisk(long space) {
        this.free = space;
    }

    synchronized void grow(long bytes) {
        free += bytes;
    }

    synchronized long free() {
        return free;
    }

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        long before = java.nio.file.Files.exists(file) ? java.nio.file.Files.size(file) : 0;
        FileChannel real = FileChannel.open(file, options);
        if (real.size() < before) {
            release(before - real.size()); // TRUNCATE_EXISTING
        }
        openFiles.incrementAndGet();
        return new Limited(real);
    }

    /** Takes up to {@code wanted} bytes of space; returns how many were available. */
    private synchronized long take(long wanted) {
        long granted = Math.min(wanted, free);
        free -= granted;
        return granted;
    }

    private synchronized void release(long bytes) {
        free += bytes;
    }

    private final class Limited extends FileChannel {
        private final FileChannel real;

        Limited(FileChannel real) {
            this.real = real;
        }

        private int writeAt(ByteBuffer src, long at) throws IOException {
            long growth = Math.max(0, at + src.remaining() - real.size());
            long granted = take(growth);
            if (granted < growth) {
                int fits = (int) (src.remaining() - (growth - granted));
                ByteBuffer part = src.slice().limit(fits);
                real.write(part, at);
                src.position(src.position() + fits);
                throw new IOException("No space left on device");
            }
            return real.write(src, at);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long at = real.position();
            int n = writeAt(src, at);
            real.position(at + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return writeAt(src, position);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            long before = real.size();
            real.truncate(size);
            if (size < before) {
                release(before - size);
            }
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() throws IOException {
            openFiles.decrementAndGet();
            real.close();
        }
    }
}
