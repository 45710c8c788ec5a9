package io.jnsq.operator.drain;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drain a scale-down waits for, against a real bin/nsqlookupd and two bin/nsqd. */
class NsqdDrainIT {

    @TempDir
    Path tmp;

    @Test
    void aBrokerIsDrainedOnceItsTopicsAreTombstonedAndItsChannelsEmpty() throws Exception {
        try (RealProcesses bin = new RealProcesses(tmp)) {
            Server lookupd = bin.lookupd();
            Server staying = bin.nsqdWith(lookupd);
            Server leaving = bin.nsqdWith(lookupd);
            for (Server s : List.of(staying, leaving)) {
                http("POST", s.http(), "/topic/create?topic=orders", null);
                http("POST", s.http(), "/channel/create?topic=orders&channel=billing", null);
            }
            http("POST", leaving.http(), "/mpub?topic=orders", "1\n2\n3");
            http("POST", leaving.http(), "/pub?topic=audit", "held by a topic with no channel");
            await(() -> get(lookupd.http(), "/lookup?topic=orders").split("\"tcp_port\"").length == 3, "both registered");
            // "audit" reaches lookupd on its own REGISTER, after its first publish: tombstoned before that, it would come back
            await(() -> get(lookupd.http(), "/lookup?topic=audit").contains("\"http_port\":" + leaving.http()), "audit registered");

            NsqdDrain drain = new NsqdDrain();
            NsqdDrain.Progress first = drain.check(leaving.httpAddress(), List.of(lookupd.httpAddress())).join();
            assertThat(first.drained()).isFalse();
            assertThat(first.remaining()).isEqualTo(4);
            // consumers asking lookupd are now sent only to the broker that stays
            String lookup = get(lookupd.http(), "/lookup?topic=orders");
            assertThat(lookup).contains("\"http_port\":" + staying.http()).doesNotContain("\"http_port\":" + leaving.http());
            assertThat(get(lookupd.http(), "/nodes")).contains("\"tombstones\":[true,true]");

            http("POST", leaving.http(), "/channel/empty?topic=orders&channel=billing", null); // as if consumed
            assertThat(drain.check(leaving.httpAddress(), List.of(lookupd.httpAddress())).join().remaining()).isEqualTo(1);
            http("POST", leaving.http(), "/topic/empty?topic=audit", null);
            NsqdDrain.Progress done = drain.check(leaving.httpAddress(), List.of(lookupd.httpAddress())).join();
            assertThat(done.drained()).isTrue();
            assertThat(drain.check("127.0.0.1:" + RealProcesses.freePort(), List.of()).join().detail()).startsWith("cannot reach");
        }
    }
}
