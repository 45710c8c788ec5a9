package io.jnsq.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** NSQ's {@code <addr>:<port>} flag values ({@code 0.0.0.0:4150}, {@code :4150}, {@code [::1]:4150}) and the host name. */
public final class ListenAddress {

    private ListenAddress() {
    }

    /** The host part; empty means every interface, as in Go. */
    public static String host(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? "0.0.0.0" : host;
    }

    /** The port; a value that is not {@code <addr>:<port>} is an {@link IllegalArgumentException} naming the flag. */
    public static int port(String flag, String address) {
        int colon = address.lastIndexOf(':');
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (colon < 0 || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " \"" + address + "\" is not a valid <addr>:<port>");
        }
    }

    /** The OS host name, the default broadcast address of every NSQ server. */
    public static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
