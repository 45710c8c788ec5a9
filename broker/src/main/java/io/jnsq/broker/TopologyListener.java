package io.jnsq.broker;

/**
 * Told when topics and channels come and go, so that they can be announced elsewhere (to every nsqlookupd).
 * Implementations are CDI beans; the broker calls them off the network event loop, in the order things happened.
 */
public interface TopologyListener {

    void topicCreated(String topic);

    void topicDeleted(String topic);

    void channelCreated(String topic, String channel);

    void channelDeleted(String topic, String channel);
}
