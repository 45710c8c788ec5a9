package io.jnsq.broker.storage;

import java.io.IOException;

/** The backend of a broker without disk storage: stores nothing, so a full memory queue refuses the publish. */
public final class RefusingBackendQueue extends StorelessBackendQueue {

    @Override
    public boolean acceptsWrites() {
        return false;
    }

    @Override
    public void put(byte[] encodedMessage) throws IOException {
        throw new IOException("queue full");
    }
}
