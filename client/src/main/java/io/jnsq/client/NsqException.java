package io.jnsq.client;

import java.io.IOException;

/** The broker answered an error frame ({@code E_CODE text}), or the connection failed. */
public class NsqException extends IOException {

    public NsqException(String message) {
        super(message);
    }

    public NsqException(String message, Throwable cause) {
        super(message, cause);
    }
}
