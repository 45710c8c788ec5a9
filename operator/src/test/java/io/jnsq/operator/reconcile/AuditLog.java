package io.jnsq.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

/** The API server's audit log (one JSON event a line): every request the operator's ServiceAccount made. */
final class AuditLog {

    static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as RBAC sees it. */
    record Call(String verb, String group, String resource, String subresource, String namespace, String name, int code,
            String received, String userAgent) {

        boolean isWrite() {
            return WRITES.contains(verb);
        }

        /** verb group/resource[/subresource], as a ClusterRole rule grants it. */
        String permission() {
            return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource + (subresource.isEmpty() ? "" : "/" + subresource);
        }
    }

    private AuditLog() {
    }

    /** The operator's calls to resources (discovery's non-resource URLs left out), in the order they were answered. */
    static List<Call> operatorCalls() {
        try (var lines = Files.lines(KubeApiServer.AUDIT_LOG)) {
            return lines.map(AuditLog::parse)
                    .filter(e -> KubeApiServer.OPERATOR_USER.equals(e.at("/user/username").asText()))
                    .filter(e -> "ResponseComplete".equals(e.path("stage").asText()) && e.has("objectRef"))
                    .map(e -> new Call(e.path("verb").asText(), e.at("/objectRef/apiGroup").asText(""),
                            e.at("/objectRef/resource").asText(), e.at("/objectRef/subresource").asText(""),
                            e.at("/objectRef/namespace").asText(""), e.at("/objectRef/name").asText(""),
                            e.at("/responseStatus/code").asInt(), e.path("requestReceivedTimestamp").asText(),
                            e.path("userAgent").asText()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
