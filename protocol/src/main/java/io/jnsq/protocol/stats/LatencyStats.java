package io.jnsq.protocol.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * End-to-end processing latency of a topic or channel: how many samples, and for each configured quantile a map
 * {@code {"quantile":0.99,"value":<ns>}}. {@code percentiles} is {@code null} when no quantiles are configured.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"count", "percentiles"})
public record LatencyStats(
        @JsonProperty("count") long count,
        @JsonProperty("percentiles") List<Map<String, Double>> percentiles) {

    public static final LatencyStats EMPTY = new LatencyStats(0, null);
}
