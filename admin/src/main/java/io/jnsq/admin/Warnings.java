package io.jnsq.admin;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What went wrong while gathering from several servers when some still answered (one node down): the answer is
 * given with what was found and these in its {@code message}, as nsqadmin's {@code WARNING: a; b}.
 */
final class Warnings {

    private final List<String> messages = new ArrayList<>();
    private final Set<String> failed = new LinkedHashSet<>();

    synchronized void add(String message) {
        messages.add(message);
    }

    /** A server that did not answer (or answered an error): its address is kept so pages can mark it. */
    synchronized void failed(String address, String message) {
        failed.add(address);
        messages.add(message);
    }

    /** The addresses of the servers that did not answer. */
    synchronized Set<String> failedAddresses() {
        return Set.copyOf(failed);
    }

    synchronized boolean isEmpty() {
        return messages.isEmpty();
    }

    synchronized String message() {
        return messages.isEmpty() ? "" : "WARNING: " + String.join("; ", messages);
    }

    synchronized List<String> all() {
        return List.copyOf(messages);
    }
}
