package io.jnsq.broker.storage;

import java.io.IOException;

/** The backend of a broker without disk storage: stores nothing, so a full memory queue refuses the publish. */
public final class RefusingBackendQueue implements BackendQueue {

    @Override
    public boolean acceptsWrites() {
        return false;
    }

    @Override
    public void put(byte[] encodedMessage) throws IOException {
        throw new IOException("queue full");
    }

    @Override
    public byte[] poll() {
        return null;
    }

    @Override
    public long depth() {
        return 0;
    }

    @Override
    public void empty() {
    }

    @Override
    public void delete() {
    }

    @Override
    public void sync() {
    }

    @Override
    public void close() {
    }
}
