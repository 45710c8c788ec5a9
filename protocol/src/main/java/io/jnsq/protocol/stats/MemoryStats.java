package io.jnsq.protocol.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The {@code memory} block of nsqd's {@code /stats}. nsqd reports Go runtime figures; we report the JVM's nearest
 * equivalents under the same names so dashboards keep working.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"heap_objects", "heap_idle_bytes", "heap_in_use_bytes", "heap_released_bytes",
        "gc_pause_usec_100", "gc_pause_usec_99", "gc_pause_usec_95", "next_gc_bytes", "gc_total_runs"})
public record MemoryStats(
        @JsonProperty("heap_objects") long heapObjects,
        @JsonProperty("heap_idle_bytes") long heapIdleBytes,
        @JsonProperty("heap_in_use_bytes") long heapInUseBytes,
        @JsonProperty("heap_released_bytes") long heapReleasedBytes,
        @JsonProperty("gc_pause_usec_100") long gcPauseUsec100,
        @JsonProperty("gc_pause_usec_99") long gcPauseUsec99,
        @JsonProperty("gc_pause_usec_95") long gcPauseUsec95,
        @JsonProperty("next_gc_bytes") long nextGcBytes,
        @JsonProperty("gc_total_runs") long gcTotalRuns) {
}
