package io.jnsq.tools;

import io.jnsq.cli.NsqVersion;
import io.jnsq.client.Config;
import io.jnsq.client.Consumer;
import io.jnsq.client.Handler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The flags every consuming tool shares (where to read from, how many in flight, go-nsq options), and the consumer
 * they describe. Mixed into nsq_tail, nsq_to_http and nsq_to_nsq.
 */
final class SourceOptions {

    @Option(names = "--nsqd-tcp-address", paramLabel = "<addr>", description = "nsqd TCP address (may be given multiple times)")
    List<String> nsqdTcpAddresses = new ArrayList<>();
    @Option(names = "--lookupd-http-address", paramLabel = "<addr>", description = "lookupd HTTP address (may be given multiple times)")
    List<String> lookupdHttpAddresses = new ArrayList<>();
    @Option(names = "--max-in-flight", defaultValue = "200", description = "max number of messages to allow in flight")
    int maxInFlight;
    @Option(names = "--consumer-opt", paramLabel = "<name,value>", description = "option to passthrough to the consumer (may be given multiple times), e.g. max_attempts,10")
    List<String> consumerOpts = new ArrayList<>();

    /** NSQ's tools want exactly one way to find nsqds. */
    Optional<String> problem() {
        if (nsqdTcpAddresses.isEmpty() && lookupdHttpAddresses.isEmpty()) {
            return Optional.of("--nsqd-tcp-address or --lookupd-http-address required");
        }
        if (!nsqdTcpAddresses.isEmpty() && !lookupdHttpAddresses.isEmpty()) {
            return Optional.of("use --nsqd-tcp-address or --lookupd-http-address not both");
        }
        return Optional.empty();
    }

    /** The consumer configuration; a bad {@code --consumer-opt} is an {@link IllegalArgumentException}. */
    Config config(String tool) {
        Config config = new Config();
        config.maxInFlight = maxInFlight;
        config.userAgent = tool + "/" + NsqVersion.NSQ + " jnsq/" + NsqVersion.JNSQ;
        consumerOpts.forEach(config::set);
        return config;
    }

    /** A consumer of {@code topic}/{@code channel}, connected; unreachable servers are thrown. */
    Consumer connect(String topic, String channel, Config config, Handler handler, int concurrency) throws IOException {
        Consumer consumer = new Consumer(topic, channel, config, handler, concurrency);
        consumer.connectToNsqds(nsqdTcpAddresses);
        consumer.connectToLookupds(lookupdHttpAddresses);
        return consumer;
    }
}
