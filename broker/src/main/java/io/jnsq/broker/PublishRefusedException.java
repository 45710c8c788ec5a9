package io.jnsq.broker;

/** A publish the broker cannot take (queues full and no disk, a write error, shutting down). Nothing was stored. */
final class PublishRefusedException extends Exception {

    PublishRefusedException(String reason) {
        super(reason, null, false, false);
    }
}
