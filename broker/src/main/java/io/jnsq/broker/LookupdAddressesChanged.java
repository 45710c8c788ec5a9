package io.jnsq.broker;

import java.util.List;

/**
 * CDI event fired when {@code PUT /config/nsqlookupd_tcp_addresses} replaces the set of lookupds to register with.
 */
public record LookupdAddressesChanged(List<String> addresses) {
}
