package io.jnsq.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * What went wrong while gathering from several servers when some still answered (one node down): the answer is
 * given with what was found and these in its {@code message}, as nsqadmin's {@code WARNING: a; b}.
 */
final class Warnings {

    private final List<String> messages = new ArrayList<>();

    synchronized void add(String message) {
        messages.add(message);
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
