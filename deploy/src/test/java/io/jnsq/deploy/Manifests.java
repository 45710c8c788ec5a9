package io.jnsq.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Kubernetes YAML (multi-document) read as JSON trees, to compare and inspect what the chart and manifests hold. */
final class Manifests {

    static final Path DEPLOY = Path.of(System.getProperty("user.dir"));
    static final Path ROOT = DEPLOY.getParent();
    private static final ObjectMapper YAML = new YAMLMapper();

    private Manifests() {
    }

    static List<JsonNode> parse(String yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    static List<JsonNode> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static JsonNode only(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + objects));
    }

    /** Without the labels only Helm adds (chart, managed-by), so a rendered object compares with a plain manifest. */
    static JsonNode withoutHelmLabels(JsonNode object) {
        JsonNode copy = object.deepCopy();
        for (JsonNode labels : copy.findParents("helm.sh/chart")) {
            ((ObjectNode) labels).remove("helm.sh/chart");
            ((ObjectNode) labels).remove("app.kubernetes.io/managed-by");
        }
        return copy;
    }
}
