package io.jnsq.protocol.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The body of nsqd's {@code GET /stats?format=json}, field for field and in nsqd's order. {@code memory} is left out
 * when {@code include_mem=false}; {@code producers} is {@code null} when nothing has published without subscribing.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"version", "health", "start_time", "topics", "memory", "producers"})
public record NsqdStats(
        @JsonProperty("version") String version,
        @JsonProperty("health") String health,
        @JsonProperty("start_time") long startTime,
        @JsonProperty("topics") List<TopicStats> topics,
        @JsonProperty("memory") @JsonInclude(JsonInclude.Include.NON_NULL) MemoryStats memory,
        @JsonProperty("producers") List<ClientStats> producers) {
}
