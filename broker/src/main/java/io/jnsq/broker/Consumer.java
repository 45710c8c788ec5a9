package io.jnsq.broker;

import io.jnsq.protocol.stats.ClientStats;

/**
 * One consumer of a channel, as the channel sees it (nsqd's {@code Consumer}): the channel never writes to a
 * consumer, it only tells it that messages may be ready; the consumer then pulls them with
 * {@link Channel#take} from its own thread, as many as its RDY allows. The TCP connection implements it; tests can
 * implement it without a socket.
 */
interface Consumer {

    /** Messages may be ready for you: pull when you can. Called from any thread, possibly under the channel's lock. */
    void wake();

    /** One message you had in flight timed out and went back to the queue (called from the queue scanner). */
    void timedOut();

    /** The channel was emptied: nothing is in flight for you any more. */
    void emptied();

    /** The channel is going away: disconnect. */
    void close();

    /** How long a message taken by this consumer may stay in flight before it is redelivered. */
    long msgTimeoutNanos();

    /** nsqd's sample_rate: deliver this percentage of the channel's messages (0 = all). */
    int sampleRate();

    ClientStats stats();
}
