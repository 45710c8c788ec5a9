package io.jnsq.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded protocol fuzzing of bin/nsqd (TCP V2, HTTP) and bin/nsqlookupd (TCP V1, HTTP): mutated commands, bodies and
 * requests, each on its own connection. Whatever is sent, the server stays up and answers others, every answer is NSQ's
 * (frames with E_ codes, nsqd's HTTP bodies or Go's net/http text; never a framework page), nothing hangs past a read
 * timeout, and nothing a client sends leaves a stack trace in the log. Seed: -Djnsq.fuzz.seed (printed on failure);
 * rounds: 300 per target, 5,000 with -Djnsq.soak=true.
 */
@Tag("fault")
class ProtocolFuzzIT {

    private static final long SEED = Long.getLong("jnsq.fuzz.seed", 16L);
    private static final int ROUNDS = Boolean.getBoolean("jnsq.soak") ? 5_000 : 300;
    /**
     * What an HTTP answer's body may be: empty, NSQ's JSON (an object, or what /config answers: an array, a string, a
     * number), OK, nsqd's text /stats, or Go's "<code> <reason>".
     */
    private static final Pattern HTTP_BODY =
            Pattern.compile("(?s)|\\{.*\\}|\\[.*\\]|\".*\"|-?\\d+|OK|\\d{3} [A-Za-z ]+(: [A-Za-z ]+)?|nsqd v.*");

    @TempDir
    static Path tmp;
    private static RealProcesses bin;
    private static Server nsqd;
    private static Server lookupd;

    @BeforeAll
    static void start() throws Exception {
        bin = new RealProcesses(tmp);
        lookupd = bin.lookupd();
        nsqd = bin.nsqdWith(lookupd);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (Server s : new Server[] {nsqd, lookupd}) {
                assertThat(s.process().isAlive()).isTrue();
                assertThat(ServerLog.stackTraceLines(ServerLog.of(s.run()))).as("stack traces (seed %d)", SEED).isEmpty();
            }
        } finally {
            bin.close();
        }
    }

    // ---- generators ----

    private static final String[] V2_COMMANDS = {"IDENTIFY", "SUB", "PUB", "MPUB", "DPUB", "RDY", "FIN", "REQ", "TOUCH",
        "CLS", "NOP", "AUTH", "XYZ", ""};
    private static final String[] V1_COMMANDS = {"PING", "IDENTIFY", "REGISTER", "UNREGISTER", "NOPE", ""};
    private static final String[] NAMES = {"t", "fuzz", "fuzz#ephemeral", "a:b", "bad!name", "", "x".repeat(65),
        "..", "t c", "\u00e9", "fuzz.topic_1-2"};
    private static final String[] JSON = {"{}", "null", "[]", "{\"client_id\":1}", "{\"heartbeat_interval\":-5}",
        "{\"feature_negotiation\":true,\"snappy\":true,\"deflate\":true}", "{\"msg_timeout\":999999999}", "{",
        "{\"tcp_port\":1,\"http_port\":2,\"hostname\":\"h\",\"broadcast_address\":\"127.0.0.1\",\"version\":\"1\"}",
        "{\"output_buffer_size\":-1,\"output_buffer_timeout\":-1}", "{\"a\":" + "[".repeat(50) + "]".repeat(50) + "}"};

    private static byte[] randomBytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    /** A command line with 0-3 arguments, then maybe a body (a size that may lie), maybe garbage. */
    private static byte[] tcpCommand(Random r, String[] commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String line = pick(r, commands);
        for (int i = r.nextInt(4); i > 0; i--) {
            line += " " + (r.nextBoolean() ? pick(r, NAMES) : Integer.toString(r.nextInt(5000) - 100));
        }
        out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        out.write(r.nextInt(10) == 0 ? '\r' : '\n');
        switch (r.nextInt(5)) {
            case 0 -> { }
            case 1 -> {
                byte[] body = pick(r, JSON).getBytes(StandardCharsets.UTF_8);
                out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
                out.writeBytes(body);
            }
            case 2 -> {
                byte[] body = randomBytes(r, 64);
                int claimed = r.nextInt(4) == 0 ? r.nextInt() : body.length; // sometimes a lie
                out.writeBytes(ByteBuffer.allocate(4).putInt(claimed).array());
                out.writeBytes(body);
            }
            case 3 -> out.writeBytes(randomBytes(r, 32));
            default -> {
                // an MPUB-shaped body with a random count and sizes
                ByteBuffer b = ByteBuffer.allocate(64).putInt(r.nextInt(6) - 1);
                while (b.remaining() >= 8) {
                    b.putInt(r.nextInt(8) - 1).putInt(r.nextInt());
                }
                out.writeBytes(ByteBuffer.allocate(4).putInt(64).array());
                out.writeBytes(b.array());
            }
        }
        return out.toByteArray();
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "FOO", ""};
    private static final String[] NSQD_PATHS = {"/ping", "/info", "/pub", "/mpub", "/stats", "/topic/create",
        "/topic/delete", "/topic/empty", "/topic/pause", "/topic/unpause", "/channel/create", "/channel/delete",
        "/channel/empty", "/channel/pause", "/channel/unpause", "/config/nsqlookupd_tcp_addresses", "/config/log_level",
        "/put", "/mput", "/create_topic", "/nope", "/", "//", "/pub/", "/%zz", "*", "/stats?format=json"};
    private static final String[] LOOKUPD_PATHS = {"/ping", "/info", "/debug", "/lookup", "/topics", "/channels",
        "/nodes", "/topic/create", "/topic/delete", "/channel/create", "/channel/delete", "/topic/tombstone", "/nope"};
    private static final String[] QUERY = {"topic=fuzz", "topic=bad!t", "channel=c", "topic=", "topic=%zz", "defer=-1",
        "defer=x", "binary=true", "format=json", "include_clients=maybe", "topic=%e2%82", "topic=a&topic=b", "%", "=&=",
        "node=127.0.0.1:1", "channel=" + "c".repeat(70)};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "HTTP/2.0",
        "HTTP/1", "FOO", ""};

    private static byte[] httpRequest(Random r, String[] paths) {
        StringBuilder q = new StringBuilder();
        for (int i = r.nextInt(4); i > 0; i--) {
            q.append(q.length() == 0 ? "" : "&").append(pick(r, QUERY));
        }
        String target = pick(r, paths) + (q.length() > 0 ? "?" + q : "");
        StringBuilder head = new StringBuilder(pick(r, METHODS) + " " + target + " " + pick(r, VERSIONS) + "\r\n");
        if (r.nextInt(8) != 0) {
            head.append("Host: 127.0.0.1\r\n");
        }
        byte[] body = r.nextBoolean() ? randomBytes(r, 200) : pick(r, JSON).getBytes(StandardCharsets.UTF_8);
        switch (r.nextInt(4)) {
            case 0 -> head.append("Content-Length: ").append(body.length).append("\r\n\r\n").append(latin1(body));
            case 1 -> head.append("Transfer-Encoding: chunked\r\n\r\n")
                    .append(r.nextBoolean() ? Integer.toHexString(body.length) : "zz").append("\r\n")
                    .append(latin1(body)).append("\r\n0\r\n\r\n");
            case 2 -> head.append("Content-Length: ").append(r.nextInt(5) - 1).append("\r\n\r\n").append(latin1(body));
            default -> head.append(r.nextBoolean() ? "X-Junk: " + latin1(randomBytes(r, 30)).replace("\n", "") + "\r\n" : "")
                    .append("\r\n");
        }
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    // ---- the fuzzing ----

    @Test
    void protocolV2() throws Exception {
        Random r = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] sent = concat(r, 1 + r.nextInt(4), () -> tcpCommand(r, V2_COMMANDS));
            List<String> frames = exchangeFrames(nsqd.tcp(), "  V2", sent);
            for (String f : frames) {
                assertThat(f).as("round %d (seed %d) sent %s", round, SEED, printable(sent))
                        .matches("(?s)RESPONSE .*|ERROR E_[A-Z_]+( .*)?|MESSAGE");
            }
            checkAlive(round);
        }
    }

    @Test
    void lookupProtocolV1() throws Exception {
        Random r = new Random(SEED + 1);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] sent = concat(r, 1 + r.nextInt(4), () -> tcpCommand(r, V1_COMMANDS));
            try (Socket s = new Socket("127.0.0.1", lookupd.tcp())) {
                s.setSoTimeout(300);
                s.getOutputStream().write("  V1".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(sent);
                String answer = readAll(s.getInputStream());
                // V1 answers are OK, E_..., or IDENTIFY's JSON, each after a 4-byte size
                assertThat(answer).as("round %d (seed %d) sent %s", round, SEED, printable(sent))
                        .doesNotContain("Exception").doesNotContain("\tat ");
            } catch (IOException reset) {
                // a connection reset after a fatal error is an answer too
            }
            checkAlive(round);
        }
    }

    @Test
    void bothHttpApis() throws Exception {
        Random r = new Random(SEED + 2);
        for (int round = 0; round < ROUNDS; round++) {
            boolean toNsqd = r.nextBoolean();
            byte[] sent = httpRequest(r, toNsqd ? NSQD_PATHS : LOOKUPD_PATHS);
            String answer = RawHttp.exchange(toNsqd ? nsqd.http() : lookupd.http(), sent, 200);
            String why = "round " + round + " (seed " + SEED + ") sent " + printable(sent);
            if (!answer.isEmpty()) {
                assertThat(RawHttp.statusLine(answer)).as(why).matches("HTTP/\\S+ \\d{3}( .*)?");
                assertThat(answer).as(why).doesNotContain("\"details\"").doesNotContain("\"stack\"")
                        .doesNotContain("Exception");
                // a HEAD answer has no body; pipelined answers are checked one by one only for their status line
                String body = RawHttp.body(answer);
                if (!body.contains("HTTP/1.")) {
                    assertThat(body).as(why).matches(HTTP_BODY);
                }
            }
            checkAlive(round);
        }
    }

    // ---- helpers ----

    private static void checkAlive(int round) throws Exception {
        if (round % 50 == 49) {
            assertThat(RealProcesses.get(nsqd.http(), "/ping")).as("nsqd after round %d (seed %d)", round, SEED).isEqualTo("OK");
            assertThat(RealProcesses.get(lookupd.http(), "/ping")).as("lookupd after round %d", round).isEqualTo("OK");
            try (NsqTcp c = new NsqTcp(nsqd.tcp())) {
                assertThat(c.pub("fuzz_alive", "x".getBytes(StandardCharsets.US_ASCII))).isTrue();
            }
        }
    }

    private interface Part {
        byte[] next();
    }

    private static byte[] concat(Random r, int n, Part part) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(part.next());
        }
        return out.toByteArray();
    }

    /** Sends magic and bytes, then reads V2 frames until close or 300 ms of silence: "TYPE text" each. */
    private static List<String> exchangeFrames(int port, String magic, byte[] sent) throws IOException {
        List<String> frames = new java.util.ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(300);
            s.getOutputStream().write(magic.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(sent);
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                int size = in.readInt();
                assertThat(size).as("frame size").isBetween(4, 64 * 1024 * 1024);
                int type = in.readInt();
                byte[] data = new byte[size - 4];
                in.readFully(data);
                String text = new String(data, StandardCharsets.UTF_8);
                frames.add(switch (type) {
                    case 0 -> "RESPONSE " + text;
                    case 1 -> "ERROR " + text;
                    case 2 -> "MESSAGE";
                    default -> "UNKNOWN FRAME TYPE " + type;
                });
            }
        } catch (SocketTimeoutException | EOFException done) {
            return frames;
        } catch (IOException reset) {
            return frames;
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            // done
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 300); i++) {
            int c = b[i] & 0xff;
            s.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
