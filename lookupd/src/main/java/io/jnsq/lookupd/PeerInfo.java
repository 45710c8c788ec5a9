package io.jnsq.lookupd;

/**
 * An nsqd as it identified itself on the V1 connection. {@code id} is the connection's remote address; the last
 * update is refreshed by PING and decides whether the producer still counts as active.
 */
final class PeerInfo {

    final String id;
    final String remoteAddress;
    final String hostname;
    final String broadcastAddress;
    final int tcpPort;
    final int httpPort;
    final String version;
    volatile long lastUpdateNanos;

    PeerInfo(String id, String hostname, String broadcastAddress, int tcpPort, int httpPort, String version) {
        this.id = id;
        this.remoteAddress = id;
        this.hostname = hostname;
        this.broadcastAddress = broadcastAddress;
        this.tcpPort = tcpPort;
        this.httpPort = httpPort;
        this.version = version;
        this.lastUpdateNanos = System.currentTimeMillis() * 1_000_000L;
    }

    String node() {
        return broadcastAddress + ":" + httpPort;
    }
}
