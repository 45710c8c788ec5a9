package io.jnsq.admin;

import java.io.IOException;

/** No lookupd or nsqd answered what was asked: nsqadmin answers 502 {@code UPSTREAM_ERROR: <why>}. */
final class UpstreamException extends IOException {

    UpstreamException(String message) {
        super(message);
    }
}
