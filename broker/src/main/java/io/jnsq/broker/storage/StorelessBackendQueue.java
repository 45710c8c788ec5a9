package io.jnsq.broker.storage;

/** A backend that keeps nothing: never anything to read, nothing to empty, delete or sync. */
abstract class StorelessBackendQueue implements BackendQueue {

    @Override
    public final byte[] poll() {
        return null;
    }

    @Override
    public final java.util.List<byte[]> peek(int max, long maxBytes) {
        return java.util.List.of();
    }

    @Override
    public final long depth() {
        return 0;
    }

    @Override
    public final void empty() {
    }

    @Override
    public final void delete() {
    }

    @Override
    public final void sync() {
    }

    @Override
    public final void close() {
    }
}
