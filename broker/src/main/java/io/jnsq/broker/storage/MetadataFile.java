package io.jnsq.broker.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code nsqd.dat} in the data path: the topics and channels (and whether they are paused) to recreate on start, in
 * nsqd's JSON. Written atomically (temp file, fsync, rename); a file that cannot be read is set aside and the broker
 * starts empty rather than not at all.
 */
public final class MetadataFile {

    private static final Logger LOG = Logger.getLogger(MetadataFile.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;

    public MetadataFile(Path dataPath) {
        this.file = dataPath.resolve("nsqd.dat");
    }

    public record ChannelMetadata(@JsonProperty("name") String name, @JsonProperty("paused") boolean paused) {
    }

    public record TopicMetadata(@JsonProperty("channels") List<ChannelMetadata> channels,
            @JsonProperty("name") String name, @JsonProperty("paused") boolean paused) {
    }

    public record Contents(@JsonProperty("topics") List<TopicMetadata> topics, @JsonProperty("version") String version) {
    }

    public synchronized void save(List<TopicMetadata> topics, String version) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(new Contents(topics, version));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("nsqd.dat.tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a full disk: nsqd.dat stays the last whole save, and no half-written temp file takes space
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    public synchronized List<TopicMetadata> load() {
        try {
            Files.deleteIfExists(file.resolveSibling("nsqd.dat.tmp")); // a save cut short; nsqd.dat is whole
        } catch (IOException e) {
            LOG.warnf("cannot remove %s: %s", file.resolveSibling("nsqd.dat.tmp"), e.getMessage());
        }
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            Contents c = JSON.readValue(file.toFile(), Contents.class);
            return c.topics() == null ? List.of() : c.topics();
        } catch (IOException e) {
            Path aside = file.resolveSibling("nsqd.dat.corrupt-" + System.currentTimeMillis());
            LOG.errorf("%s is unreadable (%s); moved to %s, starting without saved topics", file, e.getMessage(),
                    aside.getFileName());
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                LOG.errorf("could not move %s aside: %s", file, moveFailed.getMessage());
            }
            return List.of();
        }
    }
}
