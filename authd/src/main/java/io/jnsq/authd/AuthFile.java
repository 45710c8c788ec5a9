package io.jnsq.authd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The identities and their permissions, as the auth file lists them (JSON):
 *
 * <pre>
 * {"ttl": 3600,
 *  "identities": [
 *    {"identity": "orders-service", "identity_url": "https://wiki.example/orders",
 *     "secret_sha256": "&lt;hex of SHA-256 of the secret&gt;",   (or "secret": "&lt;the secret&gt;")
 *     "tls_required": true, "common_name": "orders",          (both optional)
 *     "authorizations": [{"topic": "^orders$", "channels": [".*"], "permissions": ["publish", "subscribe"]}]}]}
 * </pre>
 *
 * Topics and channels are regular expressions matched anywhere in the name, as nsqd matches them; permissions are
 * {@code publish} and {@code subscribe}. The file is checked when read: a bad one is refused with the reason.
 */
final class AuthFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One entry of {@code authorizations}: nsqd's own shape. */
    record Authorization(@JsonProperty("topic") String topic, @JsonProperty("channels") List<String> channels,
            @JsonProperty("permissions") List<String> permissions) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Identity(@JsonProperty("identity") String identity, @JsonProperty("identity_url") String identityUrl,
            @JsonProperty("secret") String secret, @JsonProperty("secret_sha256") String secretSha256,
            @JsonProperty("tls_required") boolean tlsRequired, @JsonProperty("common_name") String commonName,
            @JsonProperty("ttl") Integer ttl, @JsonProperty("authorizations") List<Authorization> authorizations) {

        boolean hasSecret(String given) {
            byte[] digest = sha256(given);
            byte[] expected = secretSha256 != null ? HexFormat.of().parseHex(secretSha256.toLowerCase()) : sha256(secret);
            return MessageDigest.isEqual(digest, expected); // constant time
        }
    }

    record Contents(@JsonProperty("ttl") Integer ttl, @JsonProperty("identities") List<Identity> identities) {
    }

    /** What the server answers to one request: the identity granted, or why not. */
    sealed interface Decision {
        record Granted(Identity identity, int ttl) implements Decision {
        }

        record Refused(String reason) implements Decision {
        }
    }

    final int defaultTtl;
    final List<Identity> identities;

    private AuthFile(int defaultTtl, List<Identity> identities) {
        this.defaultTtl = defaultTtl;
        this.identities = identities;
    }

    /** Reads and checks {@code file}; what is wrong with it is an IOException saying where. */
    static AuthFile read(Path file, int defaultTtl) throws IOException {
        Contents c;
        try {
            c = JSON.readValue(Files.readAllBytes(file), Contents.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (c == null || c.identities() == null) {
            throw new IOException(file + ": no \"identities\" list");
        }
        int ttl = c.ttl() == null ? defaultTtl : c.ttl();
        for (int i = 0; i < c.identities().size(); i++) {
            Optional<String> problem = problem(c.identities().get(i), ttl);
            if (problem.isPresent()) {
                throw new IOException(file + ": identities[" + i + "]: " + problem.get());
            }
        }
        return new AuthFile(ttl, List.copyOf(c.identities()));
    }

    private static Optional<String> problem(Identity id, int ttl) {
        if (id.identity() == null || id.identity().isEmpty()) {
            return Optional.of("\"identity\" is required");
        }
        if ((id.secret() == null) == (id.secretSha256() == null)) {
            return Optional.of("give exactly one of \"secret\" and \"secret_sha256\"");
        }
        if (id.secretSha256() != null && !id.secretSha256().matches("[0-9a-fA-F]{64}")) {
            return Optional.of("\"secret_sha256\" must be 64 hex digits");
        }
        if ((id.ttl() == null ? ttl : id.ttl()) <= 0) {
            return Optional.of("ttl must be > 0 (nsqd refuses any other)");
        }
        if (id.authorizations() == null) {
            return Optional.of("\"authorizations\" is required (an empty list refuses everything)");
        }
        for (Authorization a : id.authorizations()) {
            if (a.topic() == null || a.channels() == null || a.permissions() == null) {
                return Optional.of("an authorization needs \"topic\", \"channels\" and \"permissions\"");
            }
            for (String p : a.permissions()) {
                if (!p.equals("publish") && !p.equals("subscribe")) {
                    return Optional.of("unknown permission \"" + p + "\" (publish or subscribe)");
                }
            }
            try {
                Pattern.compile(a.topic());
                a.channels().forEach(Pattern::compile);
            } catch (PatternSyntaxException e) {
                return Optional.of("bad regular expression: " + e.getDescription() + " in " + e.getPattern());
            }
        }
        return Optional.empty();
    }

    /** The identity whose secret is {@code secret}, if the connection meets its conditions. */
    Decision decide(String secret, boolean tls, String commonName) {
        for (Identity id : identities) {
            if (!id.hasSecret(secret)) {
                continue;
            }
            if (id.tlsRequired() && !tls) {
                return new Decision.Refused(id.identity() + " must connect over TLS");
            }
            if (id.commonName() != null && !id.commonName().equals(commonName)) {
                return new Decision.Refused(id.identity() + " must present a certificate for " + id.commonName());
            }
            return new Decision.Granted(id, id.ttl() == null ? defaultTtl : id.ttl());
        }
        return new Decision.Refused("unknown secret");
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
