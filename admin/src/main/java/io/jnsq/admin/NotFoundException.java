package io.jnsq.admin;

/** What was asked for does not exist: 404 with nsqadmin's message ({@code NODE_NOT_FOUND}, ...). */
final class NotFoundException extends Exception {

    NotFoundException(String message) {
        super(message);
    }
}
