package io.jnsq.broker;

import io.jnsq.cli.GoFlags;
import java.nio.file.Path;

/** An {@link Nsqd} without Quarkus or sockets, for unit tests of topics and channels. */
final class TestBroker {

    private TestBroker() {
    }

    static Nsqd start(Path dataPath, String... flags) {
        String[] args = new String[flags.length + 1];
        args[0] = "--data-path=" + dataPath;
        System.arraycopy(flags, 0, args, 1, flags.length);
        NsqdOptions options = GoFlags.parse(new NsqdOptions(), args).options();
        return new Nsqd(options);
    }
}
