package io.jnsq.broker.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sproutsocial.nsq.Config;
import com.sproutsocial.nsq.DirectSubscriber;
import com.sproutsocial.nsq.Publisher;
import com.sproutsocial.nsq.Subscriber;
import io.jnsq.broker.TcpServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Interop with nsq-j (com.sproutsocial:nsq-j from Maven Central), a client nobody here wrote. */
@QuarkusTest
class NsqJInteropTest {

    @Inject
    TcpServer tcp;

    private String nsqd() {
        return "127.0.0.1:" + tcp.port();
    }

    @Test
    void publishesAndConsumesEveryMessage() throws Exception {
        assertRoundTrip("nsqj_plain", new Config());
    }

    @Test
    void worksOverSnappy() throws Exception {
        Config config = new Config();
        config.setSnappy(true);
        assertRoundTrip("nsqj_snappy", config);
    }

    @Test
    void worksOverDeflate() throws Exception {
        Config config = new Config();
        config.setDeflate(true);
        config.setDeflateLevel(4);
        assertRoundTrip("nsqj_deflate", config);
    }

    private void assertRoundTrip(String topic, Config config) throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        Subscriber subscriber = new DirectSubscriber(1, nsqd());
        subscriber.setConfig(config);
        subscriber.subscribe(topic, "ch", (com.sproutsocial.nsq.MessageHandler) m -> {
            received.add(new String(m.getData(), StandardCharsets.UTF_8));
            m.finish();
        });
        Publisher publisher = new Publisher(nsqd());
        publisher.setConfig(config);
        try {
            for (int i = 0; i < 50; i++) {
                publisher.publish(topic, ("single-" + i).getBytes(StandardCharsets.UTF_8));
            }
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(("batch-" + i).getBytes(StandardCharsets.UTF_8));
            }
            publisher.publish(topic, batch);
            publisher.publishDeferred(topic, "deferred".getBytes(StandardCharsets.UTF_8), 300, TimeUnit.MILLISECONDS);
            long deadline = System.currentTimeMillis() + 20_000;
            while (received.size() < 101 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            publisher.stop();
            subscriber.stop();
        }
        assertThat(received).hasSize(101).contains("single-0", "single-49", "batch-0", "batch-49", "deferred");
    }
}
