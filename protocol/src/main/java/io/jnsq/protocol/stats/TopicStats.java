package io.jnsq.protocol.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** One topic in nsqd's {@code /stats}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"topic_name", "channels", "depth", "backend_depth", "message_count", "message_bytes", "paused",
        "e2e_processing_latency"})
public record TopicStats(
        @JsonProperty("topic_name") String topicName,
        @JsonProperty("channels") List<ChannelStats> channels,
        @JsonProperty("depth") long depth,
        @JsonProperty("backend_depth") long backendDepth,
        @JsonProperty("message_count") long messageCount,
        @JsonProperty("message_bytes") long messageBytes,
        @JsonProperty("paused") boolean paused,
        @JsonProperty("e2e_processing_latency") LatencyStats e2eProcessingLatency) {
}
