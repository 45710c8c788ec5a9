package io.jnsq.lookupd;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.sproutsocial.nsq.MessageHandler;
import com.sproutsocial.nsq.Subscriber;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery with real processes: bin/nsqlookupd and two bin/nsqd registered with it, and consumers finding them. */
class DiscoveryIT {

    @TempDir
    Path tmp;

    private RealProcesses bin;

    @BeforeEach
    void processes() {
        bin = new RealProcesses(tmp);
    }

    @AfterEach
    void stopAll() {
        bin.close();
    }

    private Server start(String binary) throws Exception {
        return bin.server(binary);
    }

    private static String post(int port, String path, String body) {
        return http("POST", port, path, body);
    }

    @Test
    void brokersRegisterTopicsAndChannelsAndVanishWhenTheyGo() throws Exception {
        Server lookupd = start("nsqlookupd");
        Server a = bin.nsqdWith(lookupd);
        Server b = bin.nsqdWith(lookupd);
        post(a.http(), "/pub?topic=shared", "from-a");
        post(a.http(), "/channel/create?topic=shared&channel=c1", "");
        await(() -> get(lookupd.http(), "/lookup?topic=shared").contains("\"c1\""), "a's channel listed");
        post(b.http(), "/pub?topic=shared", "from-b");
        await(() -> get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + a.tcp())
                && get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp()), "both brokers listed");
        // b created the topic when lookupd already knew c1, so b made c1 too, as nsqd does
        await(() -> get(b.http(), "/stats?format=json&topic=shared").contains("\"channel_name\":\"c1\""),
                "b created the channel lookupd knew");
        assertThat(get(lookupd.http(), "/lookup?topic=shared")).startsWith("{\"channels\":[\"c1\"],\"producers\":[");
        assertThat(get(lookupd.http(), "/nodes")).contains("\"http_port\":" + a.http()).contains("\"http_port\":" + b.http());
        assertThat(get(lookupd.http(), "/topics")).isEqualTo("{\"topics\":[\"shared\"]}");

        // a channel created through lookupd exists on a broker as soon as the topic appears there
        post(lookupd.http(), "/channel/create?topic=fresh&channel=pre_made", "");
        post(a.http(), "/pub?topic=fresh", "x");
        await(() -> get(a.http(), "/stats?format=json&topic=fresh").contains("\"channel_name\":\"pre_made\""),
                "the broker created the channel lookupd knew");

        post(a.http(), "/channel/delete?topic=shared&channel=c1", "");
        post(b.http(), "/channel/delete?topic=shared&channel=c1", "");
        await(() -> get(lookupd.http(), "/channels?topic=shared").equals("{\"channels\":[\"c1\"]}")
                && !get(lookupd.http(), "/debug").contains("channel:shared:c1\":[{"), "channel unregistered");

        post(b.http(), "/topic/delete?topic=shared", "");
        await(() -> !get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp()),
                "a topic deleted on b is no longer looked up there");
        post(b.http(), "/pub?topic=shared", "back");
        await(() -> get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp()), "b has it again");

        b.process().destroy();
        assertThat(b.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        await(() -> !get(lookupd.http(), "/lookup?topic=shared").contains("\"tcp_port\":" + b.tcp()), "b gone from /lookup");
        assertThat(get(lookupd.http(), "/lookup?topic=shared")).contains("\"tcp_port\":" + a.tcp());
    }

    @Test
    void logLevelFlagDecidesWhatTheDaemonsLog() throws Exception {
        Server chatty = bin.lookupd();
        Server quiet = bin.lookupd("--log-level=warn");
        Server quietBroker = bin.nsqdWith(quiet);
        post(quietBroker.http(), "/topic/create?topic=logged", "");
        await(() -> get(quiet.http(), "/topics").contains("logged"), "the quiet lookupd learns the topic");
        assertThat(chatty.run().output()).contains("TCP: listening on 127.0.0.1:" + chatty.tcp());
        assertThat(quiet.run().output() + quiet.run().errors()).doesNotContain("TCP: listening").doesNotContain("INFO");
    }

    @Test
    void brokersRegisterAgainWhenLookupdRestarts() throws Exception {
        int lookupTcp = freePort();
        int lookupHttp = freePort();
        Process first = bin.server(lookupTcp, lookupHttp, "nsqlookupd").process();
        Server a = bin.nsqd("--lookupd-tcp-address=127.0.0.1:" + lookupTcp, "--broadcast-address=127.0.0.1");
        post(a.http(), "/pub?topic=survivor", "x");
        await(() -> get(lookupHttp, "/lookup?topic=survivor").contains("\"tcp_port\":" + a.tcp()), "registered");
        first.destroy();
        first.waitFor(30, TimeUnit.SECONDS);
        bin.server(lookupTcp, lookupHttp, "nsqlookupd");
        await(() -> get(lookupHttp, "/lookup?topic=survivor").contains("\"tcp_port\":" + a.tcp()), "registered again");
    }

    @Test
    void nsqJConsumerFindsEveryBrokerThroughLookupd() throws Exception {
        Server lookupd = start("nsqlookupd");
        Server a = bin.nsqdWith(lookupd);
        Server b = bin.nsqdWith(lookupd);
        for (int i = 0; i < 10; i++) {
            post(a.http(), "/pub?topic=found", "a" + i);
            post(b.http(), "/pub?topic=found", "b" + i);
        }
        await(() -> get(lookupd.http(), "/lookup?topic=found").contains("\"tcp_port\":" + b.tcp()), "both registered");
        Set<String> got = ConcurrentHashMap.newKeySet();
        Subscriber subscriber = new Subscriber(1, "127.0.0.1:" + lookupd.http());
        try {
            subscriber.subscribe("found", "ch", (MessageHandler) m -> {
                got.add(new String(m.getData(), StandardCharsets.UTF_8));
                m.finish();
            });
            await(() -> got.size() == 20, "all 20 messages from both brokers");
        } finally {
            subscriber.stop();
        }
        assertThat(got).contains("a0", "a9", "b0", "b9");
    }
}
