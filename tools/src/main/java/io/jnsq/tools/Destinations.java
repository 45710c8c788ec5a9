package io.jnsq.tools;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks where the next message goes, by nsq_to_http's and nsq_to_nsq's {@code --mode}: {@code round-robin} takes
 * each destination in turn; {@code hostpool} (and {@code epsilon-greedy}) also takes them in turn but skips one that
 * failed until its retry time (30 s, doubling to 15 min), falling back to all when every one has failed.
 */
final class Destinations {

    private static final long FIRST_RETRY_NANOS = 30_000_000_000L;
    private static final long MAX_RETRY_NANOS = 900_000_000_000L;

    enum Mode { ROUND_ROBIN, HOSTPOOL }

    private final List<String> addresses;
    private final Mode mode;
    private final AtomicLong counter = new AtomicLong();
    private final Map<String, long[]> dead = new ConcurrentHashMap<>(); // address -> {retry at, current delay}

    Destinations(List<String> addresses, Mode mode) {
        this.addresses = List.copyOf(addresses);
        this.mode = mode;
    }

    /** {@code round-robin}, {@code hostpool} or {@code epsilon-greedy}; anything else is an IllegalArgumentException. */
    static Mode mode(String flag) {
        return switch (flag) {
            case "round-robin" -> Mode.ROUND_ROBIN;
            case "hostpool", "epsilon-greedy" -> Mode.HOSTPOOL;
            default -> throw new IllegalArgumentException("--mode must be round-robin, hostpool or epsilon-greedy (got '" + flag + "')");
        };
    }

    List<String> all() {
        return addresses;
    }

    String next() {
        int n = addresses.size();
        long start = counter.getAndIncrement();
        if (mode == Mode.HOSTPOOL) {
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String a = addresses.get((int) ((start + i) % n));
                long[] d = dead.get(a);
                if (d == null || now - d[0] >= 0) {
                    return a;
                }
            }
        }
        return addresses.get((int) (start % n));
    }

    /** Reports how a request to {@code address} went; failures take a host-pool destination out for a while. */
    void mark(String address, boolean ok) {
        if (mode != Mode.HOSTPOOL) {
            return;
        }
        if (ok) {
            dead.remove(address);
            return;
        }
        dead.compute(address, (a, d) -> {
            long delay = d == null ? FIRST_RETRY_NANOS : Math.min(d[1] * 2, MAX_RETRY_NANOS);
            return new long[] {System.nanoTime() + delay, delay};
        });
    }
}
