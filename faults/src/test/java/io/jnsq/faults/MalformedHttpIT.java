package io.jnsq.faults;

import static io.jnsq.faults.RawHttp.body;
import static io.jnsq.faults.RawHttp.exchange;
import static io.jnsq.faults.RawHttp.statusLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and oversized HTTP requests to bin/nsqd and bin/nsqlookupd, answered as nsqd v1.3.0 answers them (its
 * handlers, or Go's net/http before them), each reported by one log line and never a stack trace or a framework page.
 */
@Tag("fault")
class MalformedHttpIT {

    private static final String NSQ_JSON = "Content-Type: application/json; charset=utf-8";

    @TempDir
    static Path tmp;
    private static RealProcesses bin;
    private static Server nsqd;
    private static Server lookupd;

    @BeforeAll
    static void start() throws Exception {
        bin = new RealProcesses(tmp);
        nsqd = bin.nsqd();
        lookupd = bin.lookupd();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (Server s : new Server[] {nsqd, lookupd}) {
                assertThat(ServerLog.stackTraceLines(ServerLog.of(s.run()))).as("stack traces").isEmpty();
                assertThat(RealProcesses.get(s.http(), "/ping")).isEqualTo("OK");
            }
        } finally {
            bin.close();
        }
    }

    private static String get(int port, String target) throws Exception {
        return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    @Test
    void badChunkSizeIsNsqdsInternalErrorAndOneLogLine() throws Exception {
        String answer = exchange(nsqd.http(), "POST /pub?topic=chunks HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
        // nsqd: io.ReadAll(req.Body) fails in doPUB -> 500 INTERNAL_ERROR
        assertThat(statusLine(answer)).isEqualTo("HTTP/1.1 500 Internal Server Error");
        assertThat(answer).contains(NSQ_JSON);
        assertThat(body(answer)).isEqualTo("{\"message\":\"INTERNAL_ERROR\"}");
        assertReportedOnce(nsqd, "POST /pub?topic=chunks");
        assertThat(RealProcesses.get(nsqd.http(), "/stats?format=json&topic=chunks")).doesNotContain("\"chunks\"");
    }

    @Test
    void unknownHttpVersionIs505AsGoAnswersIt() throws Exception {
        for (Server s : new Server[] {nsqd, lookupd}) {
            String answer = exchange(s.http(), "GET /ping?v=99 HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(statusLine(answer)).endsWith(" 505 HTTP Version Not Supported: unsupported protocol version");
            assertThat(body(answer)).isEqualTo("505 HTTP Version Not Supported: unsupported protocol version");
            assertThat(answer).contains("Content-Type: text/plain; charset=utf-8").doesNotContain("details");
            assertReportedOnce(s, "GET /ping?v=99");
        }
    }

    @Test
    void missingHostIs400AsGoAnswersIt() throws Exception {
        for (Server s : new Server[] {nsqd, lookupd}) {
            String answer = exchange(s.http(), "GET /ping?nohost=1 HTTP/1.1\r\n\r\n");
            assertThat(statusLine(answer)).isEqualTo("HTTP/1.1 400 Bad Request: missing required Host header");
            assertThat(body(answer)).isEqualTo("400 Bad Request: missing required Host header");
            assertReportedOnce(s, "GET /ping?nohost=1");
            // HTTP/1.0 needs no Host
            assertThat(body(exchange(s.http(), "GET /ping HTTP/1.0\r\n\r\n"))).isEqualTo("OK");
        }
    }

    @Test
    void aFiveThousandCharacterTopicReachesTheHandler() throws Exception {
        String topic = "t".repeat(5_000);
        String pub = exchange(nsqd.http(), "POST /pub?topic=" + topic + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 1\r\n\r\nx");
        assertThat(statusLine(pub)).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(body(pub)).isEqualTo("{\"message\":\"INVALID_TOPIC\"}");
        String lookup = get(lookupd.http(), "/topic/create?topic=" + topic);
        assertThat(statusLine(lookup)).isEqualTo("HTTP/1.1 405 Method Not Allowed");
        assertThat(body(exchange(lookupd.http(), "POST /topic/create?topic=" + topic
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"))).isEqualTo("{\"message\":\"INVALID_ARG_TOPIC\"}");
    }

    @Test
    void twoThousandHeaderLinesAreAccepted() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            headers.append("X-Header-").append(i).append(": value-").append(i).append("\r\n");
        }
        for (Server s : new Server[] {nsqd, lookupd}) {
            String answer = exchange(s.http(), "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
            assertThat(statusLine(answer)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(body(answer)).isEqualTo("OK");
        }
    }

    @Test
    void badPercentEncodingInTheQueryIsNsqdsInvalidRequest() throws Exception {
        String pub = exchange(nsqd.http(), "POST /pub?topic=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx");
        assertThat(statusLine(pub)).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(body(pub)).isEqualTo("{\"message\":\"INVALID_REQUEST\"}");
        assertReportedOnce(nsqd, "POST /pub?topic=%zz");
        String stats = get(nsqd.http(), "/stats?format=json&topic=%e0%a4%a");
        assertThat(body(stats)).isEqualTo("{\"message\":\"INVALID_REQUEST\"}");
        String lookup = get(lookupd.http(), "/lookup?topic=%g1");
        assertThat(body(lookup)).isEqualTo("{\"message\":\"INVALID_REQUEST\"}");
        assertReportedOnce(lookupd, "GET /lookup?topic=%g1");
    }

    @Test
    void badPercentEncodingInAQueryNsqdNeverParsesIsIgnored() throws Exception {
        // answers of the real nsqd and nsqlookupd v1.3.0, whose handlers for these never parse the query
        assertThat(body(get(nsqd.http(), "/ping?x=%zz"))).isEqualTo("OK");
        assertThat(body(get(nsqd.http(), "/info?x=%zz"))).startsWith("{\"version\":");
        assertThat(body(get(nsqd.http(), "/config/log_level?x=%zz"))).isNotEmpty().doesNotContain("message");
        assertThat(body(get(nsqd.http(), "/nope?x=%zz"))).isEqualTo("{\"message\":\"NOT_FOUND\"}");
        String post = exchange(nsqd.http(), "POST /ping?x=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        assertThat(statusLine(post)).isEqualTo("HTTP/1.1 405 Method Not Allowed");
        assertThat(body(get(lookupd.http(), "/ping?x=%zz"))).isEqualTo("OK");
        assertThat(body(get(lookupd.http(), "/topics?x=%zz"))).isEqualTo("{\"topics\":[]}");
        assertThat(body(get(lookupd.http(), "/channels?x=%zz"))).isEqualTo("{\"message\":\"INVALID_REQUEST\"}");
        for (Server s : new Server[] {nsqd, lookupd}) {
            assertThat(ServerLog.linesContaining(ServerLog.of(s.run()), "/ping?x=%zz")).isZero();
        }
    }

    @Test
    void badPercentEncodingInThePathIsGosBadRequest() throws Exception {
        String answer = get(nsqd.http(), "/pi%zzng");
        assertThat(statusLine(answer)).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(body(answer)).isEqualTo("400 Bad Request");
    }

    @Test
    void requestTargetsThatAreNotPathsAreAnsweredAsGoAnswersThem() throws Exception {
        // answers of the real nsqd and nsqlookupd v1.3.0 (net/http, then httprouter for the server-wide "*")
        Map<Server, String> allow = Map.of(nsqd, "GET, OPTIONS, POST, PUT", lookupd, "GET, OPTIONS, POST");
        for (Server s : new Server[] {nsqd, lookupd}) {
            String star = exchange(s.http(), "GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(statusLine(star)).isEqualTo("HTTP/1.1 405 Method Not Allowed");
            assertThat(star).contains("Allow: " + allow.get(s) + "\r\n").contains(NSQ_JSON);
            assertThat(body(star)).isEqualTo("{\"message\":\"METHOD_NOT_ALLOWED\"}");
            String options = exchange(s.http(), "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(statusLine(options)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(body(options)).isEmpty();
            for (String target : new String[] {"ping", "*?topic=a&node=127.0.0.1:1"}) {
                String answer = exchange(s.http(), "FOO " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(statusLine(answer)).as(target).isEqualTo("HTTP/1.1 400 Bad Request");
                assertThat(body(answer)).as(target).isEqualTo("400 Bad Request");
            }
            assertReportedOnce(s, "FOO ping");
        }
    }

    /** The incident is on exactly one log line (written before the answer), with no stack trace anywhere. */
    private static void assertReportedOnce(Server s, String request) throws Exception {
        String log = ServerLog.of(s.run());
        assertThat(ServerLog.linesContaining(log, request + " ")).as("log lines about " + request + " in:\n" + log)
                .isEqualTo(1);
        assertThat(ServerLog.stackTraceLines(log)).isEmpty();
    }
}
