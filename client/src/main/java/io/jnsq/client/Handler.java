package io.jnsq.client;

import io.jnsq.protocol.Message;

/** Processes one message. Returning normally finishes it; throwing requeues it with backoff. */
@FunctionalInterface
public interface Handler {

    void handle(Delivery delivery) throws Exception;

    /** A delivered message, with the ways to answer it yourself (then the consumer leaves it alone). */
    interface Delivery {
        Message message();

        String topic();

        void finish();

        void requeue(java.time.Duration delay);

        void touch();

        /** Take over answering: the consumer will not FIN or REQ this message when the handler returns. */
        void disableAutoResponse();
    }
}
