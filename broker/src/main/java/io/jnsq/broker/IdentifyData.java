package io.jnsq.broker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The IDENTIFY body (nsqd's {@code identifyDataV2}), decoded the way Go's {@code encoding/json} decodes it into that
 * struct, so that every body nsqd accepts is accepted here: the JSON {@code null} (nothing set), unknown keys with
 * any value nested up to Go's depth of 10,000, invalid UTF-8 (replaced by U+FFFD), keys matched without regard to
 * case, the last of repeated keys winning. A value of the wrong type, trailing data or a deeper nesting is refused,
 * as Go refuses it. The body is streamed, never built into a tree, so its size costs no more than its bytes.
 */
final class IdentifyData {

    /** Go's encoding/json refuses JSON nested deeper than this. */
    static final int MAX_DEPTH = 10_000;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxNameLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE).build())
            // keys come from clients: not interned, not kept in a shared symbol table
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    String clientId = "";
    String hostname = "";
    String userAgent = "";
    // Go's int is 64 bits: a value past 32 bits decodes, and nsqd's range check then names it; only sample_rate is int32
    long heartbeatInterval;
    long outputBufferSize;
    long outputBufferTimeout;
    boolean featureNegotiation;
    boolean tlsV1;
    boolean deflate;
    long deflateLevel;
    boolean snappy;
    int sampleRate;
    long msgTimeout;

    /** A body Go's {@code json.Unmarshal} would refuse. */
    static final class InvalidIdentify extends Exception {
        InvalidIdentify(String message) {
            super(message, null, false, false);
        }
    }

    private IdentifyData() {
    }

    static IdentifyData decode(byte[] body) throws InvalidIdentify {
        IdentifyData id = new IdentifyData();
        // Go keeps strings' invalid UTF-8 as U+FFFD; outside strings such a byte stays a syntax error either way
        String text = new String(body, StandardCharsets.UTF_8);
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                id.readFields(p);
            } else if (first != JsonToken.VALUE_NULL) {
                throw new InvalidIdentify("not an object: " + first);
            }
            if (p.nextToken() != null) {
                throw new InvalidIdentify("data after the top-level value");
            }
        } catch (IOException e) {
            throw new InvalidIdentify(e.getMessage());
        }
        return id;
    }

    private void readFields(JsonParser p) throws IOException, InvalidIdentify {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue; // Go leaves the field as it was
            }
            switch (key.toLowerCase(Locale.ROOT)) {
                case "client_id" -> clientId = string(p);
                case "hostname" -> hostname = string(p);
                case "user_agent" -> userAgent = string(p);
                case "heartbeat_interval" -> heartbeatInterval = int64(p);
                case "output_buffer_size" -> outputBufferSize = int64(p);
                case "output_buffer_timeout" -> outputBufferTimeout = int64(p);
                case "feature_negotiation" -> featureNegotiation = bool(p);
                case "tls_v1" -> tlsV1 = bool(p);
                case "deflate" -> deflate = bool(p);
                case "deflate_level" -> deflateLevel = int64(p);
                case "snappy" -> snappy = bool(p);
                case "sample_rate" -> sampleRate = int32(p);
                case "msg_timeout" -> msgTimeout = int64(p);
                default -> p.skipChildren(); // unknown keys are ignored, whatever they hold
            }
        }
    }

    private static String string(JsonParser p) throws IOException, InvalidIdentify {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new InvalidIdentify(p.currentName() + " is not a string");
        }
        return p.getText();
    }

    private static int int32(JsonParser p) throws IOException, InvalidIdentify {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw new InvalidIdentify(p.currentName() + " is not a 32-bit integer");
        }
        return p.getIntValue();
    }

    private static long int64(JsonParser p) throws IOException, InvalidIdentify {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new InvalidIdentify(p.currentName() + " is not a 64-bit integer");
        }
        return p.getLongValue();
    }

    private static boolean bool(JsonParser p) throws IOException, InvalidIdentify {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw new InvalidIdentify(p.currentName() + " is not a boolean");
        }
        return t == JsonToken.VALUE_TRUE;
    }
}
