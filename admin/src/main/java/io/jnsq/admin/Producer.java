package io.jnsq.admin;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** An nsqd as nsqadmin lists it in {@code /api/nodes}: where it is, what it runs, which topics it has. */
@JsonPropertyOrder({"remote_addresses", "remote_address", "hostname", "broadcast_address", "tcp_port", "http_port",
        "version", "topics", "out_of_date"})
public record Producer(
        @JsonProperty("remote_addresses") List<String> remoteAddresses,
        @JsonProperty("remote_address") String remoteAddress,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("broadcast_address") String broadcastAddress,
        @JsonProperty("tcp_port") int tcpPort,
        @JsonProperty("http_port") int httpPort,
        @JsonProperty("version") String version,
        @JsonProperty("topics") List<ProducerTopic> topics,
        @JsonProperty("out_of_date") boolean outOfDate) {

    /** One topic on a node, and whether lookupd has it tombstoned there. */
    @JsonPropertyOrder({"topic", "tombstoned"})
    public record ProducerTopic(@JsonProperty("topic") String topic, @JsonProperty("tombstoned") boolean tombstoned) {
    }

    /** The node's name in nsqadmin: its broadcast address and HTTP port. */
    @JsonIgnore
    public String httpAddress() {
        return (broadcastAddress.contains(":") ? "[" + broadcastAddress + "]" : broadcastAddress) + ":" + httpPort;
    }

    @JsonIgnore
    public String tcpAddress() {
        return (broadcastAddress.contains(":") ? "[" + broadcastAddress + "]" : broadcastAddress) + ":" + tcpPort;
    }

    @JsonIgnore
    public boolean isTombstoned(String topic) {
        return topics != null && topics.stream().anyMatch(t -> t.topic().equals(topic) && t.tombstoned());
    }
}
