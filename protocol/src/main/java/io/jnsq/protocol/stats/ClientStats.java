package io.jnsq.protocol.stats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One connected client in nsqd's {@code /stats}. The auth fields and {@code pub_counts} are omitted when empty,
 * as nsqd does.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"client_id", "hostname", "version", "remote_address", "state", "ready_count", "in_flight_count",
        "message_count", "finish_count", "requeue_count", "connect_ts", "sample_rate", "deflate", "snappy",
        "user_agent", "authed", "auth_identity", "auth_identity_url", "pub_counts", "tls", "tls_cipher_suite",
        "tls_version", "tls_negotiated_protocol", "tls_negotiated_protocol_is_mutual"})
public record ClientStats(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("version") String version,
        @JsonProperty("remote_address") String remoteAddress,
        @JsonProperty("state") int state,
        @JsonProperty("ready_count") long readyCount,
        @JsonProperty("in_flight_count") long inFlightCount,
        @JsonProperty("message_count") long messageCount,
        @JsonProperty("finish_count") long finishCount,
        @JsonProperty("requeue_count") long requeueCount,
        @JsonProperty("connect_ts") long connectTs,
        @JsonProperty("sample_rate") int sampleRate,
        @JsonProperty("deflate") boolean deflate,
        @JsonProperty("snappy") boolean snappy,
        @JsonProperty("user_agent") String userAgent,
        @JsonProperty("authed") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean authed,
        @JsonProperty("auth_identity") @JsonInclude(JsonInclude.Include.NON_EMPTY) String authIdentity,
        @JsonProperty("auth_identity_url") @JsonInclude(JsonInclude.Include.NON_EMPTY) String authIdentityUrl,
        @JsonProperty("pub_counts") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PubCount> pubCounts,
        @JsonProperty("tls") boolean tls,
        @JsonProperty("tls_cipher_suite") String tlsCipherSuite,
        @JsonProperty("tls_version") String tlsVersion,
        @JsonProperty("tls_negotiated_protocol") String tlsNegotiatedProtocol,
        @JsonProperty("tls_negotiated_protocol_is_mutual") boolean tlsNegotiatedProtocolIsMutual) {

    /** How many messages a producing client published to one topic. */
    @JsonPropertyOrder({"topic", "count"})
    public record PubCount(@JsonProperty("topic") String topic, @JsonProperty("count") long count) {
    }
}
