package io.jnsq.broker;

import java.util.Map;
import java.util.Set;

/** The broker's topics and channels as seen from outside the hot path: to re-announce them, or to add channels. */
public interface BrokerTopology {

    /** Every topic with its channels, at this moment. */
    Map<String, Set<String>> topicsAndChannels();

    /** Creates the channel (and its topic) if missing, as when lookupd reports channels for a new topic. */
    void ensureChannel(String topic, String channel);
}
