package io.jnsq.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import io.jnsq.client.Config;
import io.jnsq.client.Consumer;
import io.jnsq.client.Handler;
import io.jnsq.client.Producer;
import io.jnsq.protocol.Names;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nsq_to_nsq}: relays the messages of topics' channels to a topic on other nsqds (round-robin or host pool),
 * optionally passing only JSON messages with a required field/value and only whitelisted fields. A message is
 * finished only once a destination acknowledged it; a failed publish requeues it.
 */
@Command(name = "nsq_to_nsq", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "Relays the messages of NSQ topics to other nsqds.")
public final class NsqToNsq implements Callable<Integer> {

    private static final String LOG = "[nsq_to_nsq] ";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--topic", description = "nsq topic (may be given multiple times)")
    List<String> topics = new ArrayList<>();
    @Option(names = "--channel", defaultValue = "nsq_to_nsq", description = "nsq channel")
    String channel;
    @Option(names = "--destination-topic", defaultValue = "", description = "use this destination topic for all consumed topics (default is consumed topic name)")
    String destinationTopic;
    @Option(names = "--destination-nsqd-tcp-address", paramLabel = "<addr>", description = "destination nsqd TCP address (may be given multiple times)")
    List<String> destinationAddresses = new ArrayList<>();
    @Option(names = "--status-every", defaultValue = "250", description = "the # of requests between logging status (per destination), 0 disables")
    int statusEvery;
    @Option(names = "--mode", defaultValue = "hostpool", description = "the upstream request mode options: round-robin, hostpool (default), epsilon-greedy")
    String mode;
    @Option(names = "--whitelist-json-field", paramLabel = "<field>", description = "for JSON messages: pass this field (may be given multiple times)")
    List<String> whitelistJsonFields = new ArrayList<>();
    @Option(names = "--require-json-field", defaultValue = "", description = "for JSON messages: only pass messages that contain this field")
    String requireJsonField;
    @Option(names = "--require-json-value", defaultValue = "", description = "for JSON messages: only pass messages in which the required field has this value")
    String requireJsonValue;
    @Option(names = "--producer-opt", paramLabel = "<name,value>", description = "option to passthrough to the producers (may be given multiple times)")
    List<String> producerOpts = new ArrayList<>();
    @Mixin
    SourceOptions source = new SourceOptions();

    private final Map<String, Producer> producers = new LinkedHashMap<>();
    private final Map<String, TimerMetrics> perAddress = new LinkedHashMap<>();
    private Destinations destinations;
    private TimerMetrics aggregate;

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new NsqToNsq(), args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = validate();
        if (problem != null) {
            return Tool.usage("nsq_to_nsq", problem);
        }
        Config consumerConfig;
        Config producerConfig = new Config();
        try {
            consumerConfig = source.config("nsq_to_nsq");
            producerConfig.userAgent = consumerConfig.userAgent;
            producerOpts.forEach(producerConfig::set);
            destinations = new Destinations(destinationAddresses, Destinations.mode(mode));
        } catch (IllegalArgumentException e) {
            return Tool.usage("nsq_to_nsq", e.getMessage());
        }
        for (String a : destinationAddresses) {
            producers.put(a, new Producer(a, producerConfig));
            perAddress.put(a, new TimerMetrics(destinationAddresses.size() == 1 ? 0 : statusEvery, "[" + a + "]:", LOG));
        }
        aggregate = new TimerMetrics(statusEvery, "[aggregate]:", LOG);
        var stop = Tool.onTermOrInt();
        List<Consumer> consumers = new ArrayList<>();
        try {
            for (String topic : topics) {
                String to = destinationTopic.isEmpty() ? topic : destinationTopic;
                consumers.add(source.connect(topic, channel, consumerConfig, d -> relay(d, to), destinationAddresses.size()));
                Tool.log(LOG, "[" + topic + "/" + channel + "] relaying to " + to + " on " + destinationAddresses);
            }
            stop.await();
        } finally {
            consumers.forEach(c -> c.stopReceiving(Duration.ofSeconds(30)));
            consumers.forEach(c -> c.stop(Duration.ofSeconds(5)));
            producers.values().forEach(Producer::close);
        }
        return 0;
    }

    private String validate() {
        if (topics.isEmpty() || channel.isEmpty()) {
            return "--topic and --channel are required";
        }
        for (String t : topics) {
            if (!Names.isValidTopicName(t)) {
                return "--topic is invalid";
            }
        }
        if (!destinationTopic.isEmpty() && !Names.isValidTopicName(destinationTopic)) {
            return "--destination-topic is invalid";
        }
        if (!Names.isValidChannelName(channel)) {
            return "--channel is invalid";
        }
        if (source.problem().isPresent()) {
            return source.problem().get();
        }
        if (destinationAddresses.isEmpty()) {
            return "--destination-nsqd-tcp-address required";
        }
        return null;
    }

    /** Publishes one message to the next destination; throwing requeues it. */
    private void relay(Handler.Delivery d, String to) throws IOException {
        byte[] body = d.message().body();
        if (!requireJsonField.isEmpty() || !whitelistJsonFields.isEmpty()) {
            JsonNode js;
            try {
                js = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                js = null;
            }
            if (js == null || !js.isObject()) {
                Tool.log(LOG, "ERROR: Unable to decode json: " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
                return; // finished: it can never pass
            }
            if (!passes(js)) {
                return;
            }
            body = filtered((ObjectNode) js, body);
        }
        long start = System.nanoTime();
        String address = destinations.next();
        boolean ok = false;
        try {
            producers.get(address).publish(to, body);
            ok = true;
        } finally {
            destinations.mark(address, ok);
        }
        perAddress.get(address).status(start);
        aggregate.status(start);
    }

    /** {@code --require-json-field}/{@code --require-json-value}; a missing field with a required value backs off. */
    private boolean passes(JsonNode js) throws IOException {
        if (requireJsonField.isEmpty()) {
            return true;
        }
        JsonNode v = js.get(requireJsonField);
        if (v == null) {
            if (!requireJsonValue.isEmpty()) {
                throw new IOException("missing field to check required value");
            }
            return false;
        }
        if (requireJsonValue.isEmpty()) {
            return true;
        }
        if (v.isTextual()) {
            return v.asText().equals(requireJsonValue);
        }
        if (v.isNumber()) {
            try {
                return v.asDouble() == Double.parseDouble(requireJsonValue);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    /** Only the whitelisted fields, keys sorted and integral numbers without a fraction, as Go's encoder writes them. */
    private byte[] filtered(ObjectNode js, byte[] raw) throws JsonProcessingException {
        if (whitelistJsonFields.isEmpty()) {
            return raw;
        }
        ObjectNode out = JSON.createObjectNode();
        for (String key : new TreeSet<>(whitelistJsonFields)) {
            JsonNode value = js.get(key);
            if (value == null) {
                continue;
            }
            if (value.isFloatingPointNumber() && value.asDouble() == Math.rint(value.asDouble())
                    && Math.abs(value.asDouble()) < 9.2e18) {
                out.put(key, (long) value.asDouble());
            } else {
                out.set(key, value);
            }
        }
        return JSON.writeValueAsBytes(out);
    }
}
