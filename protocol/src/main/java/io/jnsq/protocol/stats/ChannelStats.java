package io.jnsq.protocol.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** One channel of a topic in nsqd's {@code /stats}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"channel_name", "depth", "backend_depth", "in_flight_count", "deferred_count", "message_count",
        "requeue_count", "timeout_count", "client_count", "clients", "paused", "e2e_processing_latency"})
public record ChannelStats(
        @JsonProperty("channel_name") String channelName,
        @JsonProperty("depth") long depth,
        @JsonProperty("backend_depth") long backendDepth,
        @JsonProperty("in_flight_count") long inFlightCount,
        @JsonProperty("deferred_count") long deferredCount,
        @JsonProperty("message_count") long messageCount,
        @JsonProperty("requeue_count") long requeueCount,
        @JsonProperty("timeout_count") long timeoutCount,
        @JsonProperty("client_count") int clientCount,
        @JsonProperty("clients") List<ClientStats> clients,
        @JsonProperty("paused") boolean paused,
        @JsonProperty("e2e_processing_latency") LatencyStats e2eProcessingLatency) {
}
