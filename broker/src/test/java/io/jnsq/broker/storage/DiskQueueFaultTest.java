package io.jnsq.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DiskQueue} on a disk that fills up ({@link LimitedDisk}): a failed write is cut back to the last whole record,
 * nothing acknowledged is lost, no {@code .bad} file appears, and idle queues hold no files open.
 */
class DiskQueueFaultTest {

    @TempDir
    Path dir;

    private DiskQueue open(LimitedDisk disk, long maxBytesPerFile) throws IOException {
        return new DiskQueue("t", dir, maxBytesPerFile, 1, 1024 * 1024, 2500, disk);
    }

    private static byte[] msg(int i) {
        return ("message-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> drain(DiskQueue q) throws IOException {
        List<String> out = new ArrayList<>();
        for (byte[] b; (b = q.poll()) != null; ) {
            out.add(new String(b, StandardCharsets.UTF_8));
        }
        return out;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Whether a segment holds only whole records, read as go-diskqueue reads them. */
    private static boolean wholeRecords(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        while (b.remaining() >= 4) {
            int size = b.getInt();
            if (size <= 0 || size > b.remaining()) {
                return false;
            }
            b.position(b.position() + size);
        }
        return !b.hasRemaining();
    }

    @Test
    void aFullDiskCutsTheFailedWriteBackAndLosesNothingAcknowledged() throws IOException {
        LimitedDisk disk = new LimitedDisk(2_000);
        List<String> acknowledged = new ArrayList<>();
        int refused = 0;
        try (DiskQueue q = open(disk, 1_000_000)) {
            for (int i = 0; i < 400; i++) {
                try {
                    q.put(msg(i));
                    q.flush(); // what a publisher waits for before it hears OK
                    acknowledged.add("message-" + i);
                } catch (IOException e) {
                    refused++;
                    assertThat(q.writeError()).contains("No space left on device");
                }
                if (i % 100 == 99) {
                    disk.grow(500); // some space comes back, the disk fills again
                }
            }
            assertThat(refused).isGreaterThan(100);
            assertThat(acknowledged).hasSizeGreaterThan(100);
            assertThat(wholeRecords(dir.resolve("t.diskqueue.000000.dat"))).isTrue();
            assertThat(files()).noneMatch(f -> f.endsWith(".bad")).contains("t.diskqueue.000000.dat")
                    .doesNotContain("t.diskqueue.000001.dat");
            assertThat(q.depth()).isEqualTo(acknowledged.size());
            assertThat(drain(q)).isEqualTo(acknowledged);
            assertThat(q.lastError()).isNull();
        }
    }

    @Test
    void whatAFullDiskRefusedIsGoneAfterARestartToo() throws IOException {
        LimitedDisk disk = new LimitedDisk(300);
        List<String> acknowledged = new ArrayList<>();
        DiskQueue q = open(disk, 1_000_000);
        for (int i = 0; i < 60; i++) {
            try {
                q.put(msg(i));
                q.flush();
                acknowledged.add("message-" + i);
            } catch (IOException e) {
                // refused
            }
        }
        disk.grow(10_000);
        q.close();
        try (DiskQueue again = open(disk, 1_000_000)) {
            assertThat(drain(again)).isEqualTo(acknowledged);
            assertThat(again.lastError()).isNull();
        }
    }

    @Test
    void aWriteThatFailsForTheSyncerIsReportedToThePublisher() throws IOException {
        LimitedDisk disk = new LimitedDisk(20);
        try (DiskQueue q = open(disk, 1_000_000)) {
            q.put(msg(1));
            q.put(msg(2)); // both buffered, not flushed: the syncer's write fails first
            assertThatThrownBy(q::sync).hasMessageContaining("No space left on device");
            assertThatThrownBy(q::flush).as("the publisher of the dropped records").isInstanceOf(IOException.class);
            q.flush(); // told once
            disk.grow(1_000);
            q.put(msg(3));
            q.flush();
            assertThat(drain(q)).containsExactly("message-3");
        }
    }

    @Test
    void deleteAndEmptyRemoveEveryFileOfTheQueueAndNoOther() throws IOException {
        Files.write(dir.resolve("t.diskqueue.000007.dat.bad"), new byte[100]);
        Files.write(dir.resolve("t.diskqueue.meta.dat.tmp"), new byte[10]);
        Files.write(dir.resolve("t.diskqueue.000003.diskqueue.000000.dat"), new byte[10]); // topic "t.diskqueue.000003"
        Files.write(dir.resolve("t:c.diskqueue.000000.dat"), new byte[10]);
        LimitedDisk disk = new LimitedDisk(1_000_000);
        DiskQueue q = open(disk, 100);
        for (int i = 0; i < 30; i++) {
            q.put(msg(i));
        }
        q.empty();
        assertThat(files()).containsExactly("t.diskqueue.000003.diskqueue.000000.dat", "t.diskqueue.meta.dat",
                "t:c.diskqueue.000000.dat");
        q.put(msg(1));
        q.delete();
        assertThat(files()).containsExactly("t.diskqueue.000003.diskqueue.000000.dat", "t:c.diskqueue.000000.dat");
    }

    @Test
    void anIdleQueueClosesItsFilesAndReopensThemOnUse() throws IOException {
        LimitedDisk disk = new LimitedDisk(1_000_000);
        try (DiskQueue q = open(disk, 1_000_000)) {
            q.put(msg(1));
            q.put(msg(2));
            assertThat(q.poll()).isEqualTo(msg(1));
            q.sync();
            assertThat(disk.openFiles.get()).isEqualTo(2); // writer and reader
            q.releaseIfIdle(); // used since the last call: kept
            assertThat(disk.openFiles.get()).isEqualTo(2);
            q.releaseIfIdle();
            assertThat(disk.openFiles.get()).isZero();
            assertThat(q.poll()).isEqualTo(msg(2));
            q.put(msg(3));
            assertThat(drain(q)).containsExactly("message-3");
        }
    }
}
