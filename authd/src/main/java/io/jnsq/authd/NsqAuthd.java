package io.jnsq.authd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jnsq.cli.GoFlags;
import io.jnsq.cli.ListenAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * nsq_authd: serves NSQ's auth-server protocol ({@code GET /auth?remote_ip=&tls=&secret=&common_name=}, answered
 * with {@code {"ttl","identity","identity_url","authorizations"}} or a 403) from an {@link AuthFile}, re-read when
 * the file changes (a broken edit is logged and the last good contents kept). Never logs a secret.
 */
public final class NsqAuthd implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS");

    private final Path file;
    private final int defaultTtl;
    private final HttpServer server;
    private volatile AuthFile contents;
    private volatile FileTime readAt;

    /** Reads the file (a bad one is thrown) and listens; {@link #port()} tells where. */
    public NsqAuthd(Path file, int defaultTtl, String httpAddress) throws IOException {
        this.file = file;
        this.defaultTtl = defaultTtl;
        this.readAt = Files.getLastModifiedTime(file);
        this.contents = AuthFile.read(file, defaultTtl);
        server = HttpServer.create(new InetSocketAddress(ListenAddress.host(httpAddress),
                ListenAddress.port("--http-address", httpAddress)), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "nsq_authd-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/auth", this::auth);
        server.createContext("/ping", ex -> respond(ex, 200, "text/plain; charset=utf-8", "OK"));
        server.start();
        log("INFO", "HTTP: listening on " + server.getAddress() + ", " + contents.identities.size()
                + " identities from " + file);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) {
        GoFlags.Parsed<AuthdOptions> parsed = GoFlags.parse(new AuthdOptions(), args);
        if (!parsed.shouldRun()) {
            System.exit(parsed.exitCode());
        }
        AuthdOptions o = parsed.options();
        NsqAuthd authd;
        try {
            authd = new NsqAuthd(Path.of(o.authFile), o.ttl, o.httpAddress);
        } catch (BindException e) {
            System.err.println("nsq_authd: cannot listen on " + o.httpAddress + ": " + e.getMessage());
            System.exit(1);
            return;
        } catch (IOException e) {
            System.err.println("nsq_authd: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        authd.close();
        log("INFO", "exiting");
        System.exit(0);
    }

    private void auth(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            respond(ex, 405, "application/json", "{\"message\":\"METHOD_NOT_ALLOWED\"}");
            return;
        }
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String secret = q.getOrDefault("secret", "");
        String remoteIp = q.getOrDefault("remote_ip", "");
        boolean tls = "true".equals(q.get("tls"));
        String commonName = q.getOrDefault("common_name", "");
        AuthFile.Decision d = current().decide(secret, tls, commonName);
        if (d instanceof AuthFile.Decision.Granted g) {
            ObjectNode body = JSON.createObjectNode()
                    .put("ttl", g.ttl())
                    .put("identity", g.identity().identity())
                    .put("identity_url", g.identity().identityUrl() == null ? "" : g.identity().identityUrl());
            ArrayNode auths = body.putArray("authorizations");
            for (AuthFile.Authorization a : g.identity().authorizations()) {
                ObjectNode n = auths.addObject().put("topic", a.topic());
                a.channels().forEach(n.putArray("channels")::add);
                a.permissions().forEach(n.putArray("permissions")::add);
            }
            log("INFO", "granted identity=" + g.identity().identity() + " remote_ip=" + remoteIp + " tls=" + tls
                    + " common_name=" + commonName + " permissions=" + auths.size());
            respond(ex, 200, "application/json", JSON.writeValueAsString(body));
        } else {
            String reason = ((AuthFile.Decision.Refused) d).reason();
            log("INFO", "refused remote_ip=" + remoteIp + " tls=" + tls + " common_name=" + commonName + ": " + reason);
            respond(ex, 403, "application/json", "{\"message\":\"NOT_AUTHORIZED\"}");
        }
    }

    /** The file's contents, re-read if it changed since; a broken edit keeps the last good contents. */
    private AuthFile current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(readAt)) {
                synchronized (this) {
                    if (!modified.equals(readAt)) {
                        readAt = modified;
                        contents = AuthFile.read(file, defaultTtl);
                        log("INFO", "re-read " + file + ": " + contents.identities.size() + " identities");
                    }
                }
            }
        } catch (IOException e) {
            log("ERROR", "keeping the last good auth file: " + e.getMessage());
        }
        return contents;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            q.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static void log(String level, String line) {
        System.err.println("[nsq_authd] " + LocalDateTime.now().format(TS) + " " + level + ": " + line);
    }
}
