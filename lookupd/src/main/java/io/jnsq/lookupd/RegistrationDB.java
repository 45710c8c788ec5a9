package io.jnsq.lookupd;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who has what: registrations ({@code client::}, {@code topic:T:}, {@code channel:T:C}) each mapped to the producers
 * (nsqd peers) that announced them, with per-producer tombstones. One lock guards it all; it is small and read
 * mostly by HTTP lookups.
 */
@Singleton
public class RegistrationDB {

    /** A registration key, as nsqlookupd's (category, key, subkey). */
    record Registration(String category, String key, String subKey) {
        String debugKey() {
            return category + ":" + key + ":" + subKey;
        }
    }

    /** One producer under one registration: the peer, and whether (since when) it is tombstoned there. */
    static final class Producer {
        final PeerInfo peer;
        boolean tombstoned;
        long tombstonedAtNanos;

        Producer(PeerInfo peer) {
            this.peer = peer;
        }

        boolean isTombstoned(long lifetimeNanos) {
            return tombstoned && System.currentTimeMillis() * 1_000_000L - tombstonedAtNanos < lifetimeNanos;
        }
    }

    private final Map<Registration, Map<String, Producer>> registrations = new LinkedHashMap<>();

    synchronized void addRegistration(Registration r) {
        registrations.computeIfAbsent(r, k -> new LinkedHashMap<>());
    }

    /** Adds the producer; false when it was already there. */
    synchronized boolean addProducer(Registration r, PeerInfo peer) {
        Map<String, Producer> producers = registrations.computeIfAbsent(r, k -> new LinkedHashMap<>());
        if (producers.containsKey(peer.id)) {
            return false;
        }
        producers.put(peer.id, new Producer(peer));
        return true;
    }

    /** Removes the producer; returns how many producers are left under the registration (-1 if it wasn't there). */
    synchronized int removeProducer(Registration r, String peerId) {
        Map<String, Producer> producers = registrations.get(r);
        if (producers == null || producers.remove(peerId) == null) {
            return -1;
        }
        return producers.size();
    }

    synchronized void removeRegistration(Registration r) {
        registrations.remove(r);
    }

    /** Registrations of a category matching key and subKey ({@code *} matches anything). */
    synchronized List<Registration> find(String category, String key, String subKey) {
        List<Registration> out = new ArrayList<>();
        for (Registration r : registrations.keySet()) {
            if (r.category().equals(category) && matches(key, r.key()) && matches(subKey, r.subKey())) {
                out.add(r);
            }
        }
        return out;
    }

    synchronized List<Producer> producers(String category, String key, String subKey) {
        Map<String, Producer> seen = new LinkedHashMap<>();
        for (Registration r : find(category, key, subKey)) {
            registrations.get(r).forEach(seen::putIfAbsent);
        }
        return new ArrayList<>(seen.values());
    }

    /** Every registration a peer is part of. */
    synchronized List<Registration> registrationsOf(String peerId) {
        List<Registration> out = new ArrayList<>();
        registrations.forEach((r, producers) -> {
            if (producers.containsKey(peerId)) {
                out.add(r);
            }
        });
        return out;
    }

    synchronized Map<Registration, List<Producer>> snapshot() {
        Map<Registration, List<Producer>> out = new LinkedHashMap<>();
        registrations.forEach((r, p) -> out.put(r, new ArrayList<>(p.values())));
        return out;
    }

    synchronized void tombstone(String topic, String node) {
        Map<String, Producer> producers = registrations.get(new Registration("topic", topic, ""));
        if (producers == null) {
            return;
        }
        for (Producer p : producers.values()) {
            if (p.peer.node().equals(node)) {
                p.tombstoned = true;
                p.tombstonedAtNanos = System.currentTimeMillis() * 1_000_000L;
            }
        }
    }

    static Set<String> keys(List<Registration> rs) {
        Set<String> out = new LinkedHashSet<>();
        rs.forEach(r -> out.add(r.key()));
        return out;
    }

    static Set<String> subKeys(List<Registration> rs) {
        Set<String> out = new LinkedHashSet<>();
        rs.forEach(r -> out.add(r.subKey()));
        return out;
    }

    /** Producers seen within the inactivity timeout and not tombstoned (a lifetime of 0 ignores tombstones). */
    static List<Producer> active(List<Producer> producers, long inactiveNanos, long tombstoneLifetimeNanos) {
        long now = System.currentTimeMillis() * 1_000_000L;
        List<Producer> out = new ArrayList<>();
        for (Producer p : producers) {
            if (now - p.peer.lastUpdateNanos > inactiveNanos || p.isTombstoned(tombstoneLifetimeNanos)) {
                continue;
            }
            out.add(p);
        }
        return out;
    }

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }
}
