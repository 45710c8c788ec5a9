package io.jnsq.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Exact bytes to an HTTP port on 127.0.0.1 and whatever comes back until the server closes or goes quiet. */
final class RawHttp {

    private RawHttp() {
    }

    /** The raw answer (ISO-8859-1 text), read until close or {@code quietMillis} of silence. */
    static String exchange(int port, byte[] request, int quietMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(quietMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // the server keeps the connection open: what it sent is the answer
            } catch (IOException reset) {
                // closed with a reset after answering
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String exchange(int port, String request) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), 1_000);
    }

    static String statusLine(String answer) {
        int end = answer.indexOf("\r\n");
        return end < 0 ? answer : answer.substring(0, end);
    }

    static String body(String answer) {
        int start = answer.indexOf("\r\n\r\n");
        return start < 0 ? "" : answer.substring(start + 4);
    }
}
