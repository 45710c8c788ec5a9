package io.jnsq.tools;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import io.jnsq.client.Config;
import io.jnsq.client.Consumer;
import io.jnsq.client.Handler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsq_to_file}: writes every message of a topic to files, one line each, rotated by name (the date and hour by
 * default), size or interval, optionally gzipped. A message is finished only once it is synced to disk, so a crash
 * re-delivers rather than loses.
 */
@Command(name = "nsq_to_file", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "Writes the messages of NSQ topics to local files.")
public final class NsqToFile implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--topic", description = "nsq topic (may be given multiple times)")
    List<String> topics = new ArrayList<>();
    @Option(names = "--channel", defaultValue = "nsq_to_file", description = "nsq channel")
    String channel;
    @Option(names = "--max-in-flight", defaultValue = "200", description = "max number of messages to allow in flight")
    int maxInFlight;
    @Option(names = "--output-dir", defaultValue = "/tmp", description = "directory to write output files to")
    String outputDir;
    @Option(names = "--work-dir", defaultValue = "", description = "directory for in-progress files before moving to output-dir")
    String workDir;
    @Option(names = "--datetime-format", defaultValue = "%Y-%m-%d_%H", description = "strftime compatible format for <DATETIME> in filename format")
    String datetimeFormat;
    @Option(names = "--filename-format", defaultValue = "<TOPIC>.<HOST><REV>.<DATETIME>.log", description = "output filename format (<TOPIC>, <HOST>, <PID>, <DATETIME>, <REV> are replaced. <REV> is increased when file already exists)")
    String filenameFormat;
    @Option(names = "--host-identifier", defaultValue = "", description = "value to output in log filename in place of hostname. <SHORT_HOST> and <HOSTNAME> are valid replacement tokens")
    String hostIdentifier;
    @Option(names = "--gzip-level", defaultValue = "6", description = "gzip compression level (1-9, 1=BestSpeed, 9=BestCompression)")
    int gzipLevel;
    @Option(names = "--gzip", defaultValue = "false", arity = "0..1", description = "gzip output files.")
    boolean gzip;
    @Option(names = "--skip-empty-files", defaultValue = "false", arity = "0..1", description = "skip writing empty files")
    boolean skipEmptyFiles;
    @Option(names = "--topic-refresh", defaultValue = "1m", description = "how frequently the topic list should be refreshed")
    Duration topicRefresh;
    @Option(names = "--topic-pattern", defaultValue = "", description = "only log topics matching the following pattern")
    String topicPattern;
    @Option(names = "--rotate-size", defaultValue = "0", description = "rotate the file when it grows bigger than `rotate-size` bytes")
    long rotateSize;
    @Option(names = "--rotate-interval", defaultValue = "0", description = "rotate the file every duration")
    Duration rotateInterval;
    @Option(names = "--sync-interval", defaultValue = "30s", description = "sync file to disk every duration")
    Duration syncInterval;
    @Option(names = "--nsqd-tcp-address", description = "nsqd TCP address (may be given multiple times)")
    List<String> nsqdTcpAddresses = new ArrayList<>();
    @Option(names = "--lookupd-http-address", description = "lookupd HTTP address (may be given multiple times)")
    List<String> lookupdHttpAddresses = new ArrayList<>();
    @Option(names = "--http-client-connect-timeout", defaultValue = "2s", description = "timeout for HTTP connect")
    Duration httpConnectTimeout;
    @Option(names = "--http-client-request-timeout", defaultValue = "5s", description = "accepted for compatibility")
    Duration httpRequestTimeout;
    @Option(names = "--log-level", defaultValue = "info", description = "set log verbosity: debug, info, warn, error, or fatal")
    String logLevel;
    @Option(names = "--log-prefix", defaultValue = "[nsq_to_file] ", description = "log message prefix")
    String logPrefix;
    @Option(names = "--consumer-opt", paramLabel = "<name,value>", description = "option to passthrough to the consumer (may be given multiple times)")
    List<String> consumerOpts = new ArrayList<>();

    private final Map<String, FileLogger> loggers = new ConcurrentHashMap<>();
    private Pattern pattern;

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new NsqToFile(), args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = validate();
        if (problem != null) {
            return Tool.usage("nsq_to_file", problem);
        }
        Files.createDirectories(Path.of(outputDir));
        Files.createDirectories(Path.of(workDir));
        CountDownLatch stopRequested = Tool.onTermOrInt();
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> loggers.values().forEach(FileLogger::rotateNow));
        try {
            if (!topics.isEmpty()) {
                for (String topic : topics) {
                    startLogger(topic);
                }
            } else {
                discoverTopics(); // the first time, an unreachable lookupd is an error
                Thread refresher = new Thread(() -> refreshTopics(stopRequested), "nsq_to_file-topics");
                refresher.setDaemon(true);
                refresher.start();
            }
            stopRequested.await();
        } finally {
            loggers.values().forEach(FileLogger::stop);
        }
        return 0;
    }

    private String validate() {
        if (channel.isEmpty()) {
            return "--channel is required";
        }
        if (httpConnectTimeout.isNegative() || httpConnectTimeout.isZero()) {
            return "--http-client-connect-timeout should be positive";
        }
        if (httpRequestTimeout.isNegative() || httpRequestTimeout.isZero()) {
            return "--http-client-request-timeout should be positive";
        }
        if (nsqdTcpAddresses.isEmpty() && lookupdHttpAddresses.isEmpty()) {
            return "--nsqd-tcp-address or --lookupd-http-address required.";
        }
        if (!nsqdTcpAddresses.isEmpty() && !lookupdHttpAddresses.isEmpty()) {
            return "use --nsqd-tcp-address or --lookupd-http-address not both";
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            return "invalid --gzip-level value (" + gzipLevel + "), should be 1-9";
        }
        if (topics.isEmpty() && topicPattern.isEmpty()) {
            return "--topic or --topic-pattern required";
        }
        if (topics.isEmpty() && lookupdHttpAddresses.isEmpty()) {
            return "--lookupd-http-address must be specified when no --topic specified";
        }
        try {
            pattern = topicPattern.isEmpty() ? null : Pattern.compile(topicPattern);
        } catch (PatternSyntaxException e) {
            return "--topic-pattern is invalid: " + e.getDescription();
        }
        if (workDir.isEmpty()) {
            workDir = outputDir;
        }
        if (needsRev() && !filenameFormat.contains("<REV>")) {
            return "missing <REV> in --filename-format when gzip, rotation, or work dir enabled";
        }
        try {
            consumerConfig();
        } catch (IllegalArgumentException e) {
            return "--consumer-opt: " + e.getMessage();
        }
        return null;
    }

    private boolean needsRev() {
        return gzip || rotateSize > 0 || !rotateInterval.isZero() || !workDir.equals(outputDir);
    }

    private Config consumerConfig() {
        Config config = new Config();
        config.maxInFlight = maxInFlight;
        config.userAgent = "nsq_to_file/" + NsqVersion.NSQ + " jnsq/" + NsqVersion.JNSQ;
        config.dialTimeout = httpConnectTimeout;
        consumerOpts.forEach(config::set);
        return config;
    }

    private synchronized void startLogger(String topic) throws IOException {
        if (loggers.containsKey(topic)) {
            return;
        }
        if (pattern != null && !pattern.matcher(topic).find()) {
            Tool.log(logPrefix, "skipping topic " + topic + " (doesn't match pattern " + topicPattern + ")");
            return;
        }
        FileLogger logger = new FileLogger(topic);
        logger.start();
        loggers.put(topic, logger);
    }

    /** Starts a logger for every topic the lookupds know that matches {@code --topic-pattern}. */
    private void discoverTopics() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(httpConnectTimeout).build();
        IOException last = null;
        boolean answered = false;
        for (String lookupd : lookupdHttpAddresses) {
            try {
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://" + lookupd + "/topics"))
                        .timeout(httpRequestTimeout).build(), HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() != 200) {
                    throw new IOException("lookupd " + lookupd + " answered " + resp.statusCode() + " " + resp.body());
                }
                answered = true;
                for (JsonNode t : JSON.readTree(resp.body()).path("topics")) {
                    startLogger(t.asText());
                }
            } catch (IOException e) {
                last = new IOException("cannot reach lookupd at " + lookupd + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!answered && last != null) {
            throw last;
        }
    }

    private void refreshTopics(CountDownLatch stopRequested) {
        try {
            while (!stopRequested.await(topicRefresh.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    discoverTopics();
                } catch (IOException e) {
                    Tool.log(logPrefix, "ERROR: could not retrieve topic list: " + e.getMessage());
                }
            }
        } catch (InterruptedException ignored) {
            // stopping
        }
    }

    /** One topic's consumer and current file; writes happen on the consumer's handler thread. */
    private final class FileLogger {
        private final String topic;
        private final String format;
        private final List<Handler.Delivery> unsynced = new ArrayList<>();
        private Consumer consumer;
        private String filename;
        private Path path;
        private FileOutputStream file;
        private OutputStream out;
        private long size;
        private long openedAt;
        private int rev;
        private long lastSync = System.nanoTime();

        FileLogger(String topic) {
            this.topic = topic;
            String host = Config.hostname();
            String shortHost = host.split("\\.")[0];
            String identifier = hostIdentifier.isEmpty() ? shortHost
                    : hostIdentifier.replace("<SHORT_HOST>", shortHost).replace("<HOSTNAME>", host);
            String f = needsRev() ? filenameFormat : filenameFormat.replace("<REV>", "");
            f = f.replace("<TOPIC>", topic).replace("<HOST>", identifier)
                    .replace("<PID>", Long.toString(ProcessHandle.current().pid()));
            if (gzip && !f.endsWith(".gz")) {
                f = f + ".gz";
            }
            this.format = f;
        }

        void start() throws IOException {
            consumer = new Consumer(topic, channel, consumerConfig(), this::write);
            consumer.connectToNsqds(nsqdTcpAddresses);
            consumer.connectToLookupds(lookupdHttpAddresses);
            Tool.log(logPrefix, "[" + topic + "/" + channel + "] consuming");
            Thread ticker = new Thread(this::tick, "nsq_to_file-sync-" + topic);
            ticker.setDaemon(true);
            ticker.start();
        }

        private synchronized void write(Handler.Delivery d) throws IOException {
            d.disableAutoResponse();
            if (needsRotation()) {
                rotate();
            }
            out.write(d.message().body());
            out.write('\n');
            out.flush();
            size += d.message().body().length + 1;
            unsynced.add(d);
            if (unsynced.size() >= maxInFlight) {
                sync();
            }
        }

        private void tick() {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(Math.min(1000, Math.max(10, syncInterval.toMillis())));
                    synchronized (this) {
                        if (System.nanoTime() - lastSync >= syncInterval.toNanos()) {
                            if (file != null && needsRotation()) {
                                rotate();
                            }
                            sync();
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    Tool.log(logPrefix, "FATAL: [" + topic + "/" + channel + "] " + e.getMessage());
                    Runtime.getRuntime().halt(1);
                }
            }
        }

        /** Makes what was written durable, then finishes those messages. */
        private void sync() throws IOException {
            lastSync = System.nanoTime();
            if (unsynced.isEmpty()) {
                return;
            }
            Tool.log(logPrefix, "[" + topic + "/" + channel + "] syncing " + unsynced.size() + " records to disk");
            out.flush();
            if (out instanceof GZIPOutputStream g) {
                g.flush();
            }
            file.getFD().sync();
            unsynced.forEach(Handler.Delivery::finish);
            unsynced.clear();
        }

        private boolean needsRotation() {
            if (file == null) {
                return true;
            }
            if (!currentFilename().equals(filename)) {
                return true;
            }
            if (!rotateInterval.isZero() && System.nanoTime() - openedAt > rotateInterval.toNanos()) {
                return true;
            }
            return rotateSize > 0 && size > rotateSize;
        }

        private String currentFilename() {
            return format.replace("<DATETIME>", Strftime.format(datetimeFormat, LocalDateTime.now()));
        }

        private void rotate() throws IOException {
            closeFile();
            String name = currentFilename();
            rev = name.equals(filename) ? rev + 1 : 0;
            filename = name;
            openedAt = System.nanoTime();
            boolean exclusive = gzip || !rotateInterval.isZero();
            while (true) {
                String revName = name.replace("<REV>", String.format("-%06d", rev));
                path = Path.of(workDir).resolve(revName);
                Files.createDirectories(path.getParent());
                if (!workDir.equals(outputDir) && Files.exists(Path.of(outputDir).resolve(revName))) {
                    rev++; // a finished file of that name is already there
                    continue;
                }
                if (exclusive && Files.exists(path)) {
                    rev++;
                    continue;
                }
                file = new FileOutputStream(path.toFile(), !exclusive);
                size = Files.size(path);
                if (rotateSize > 0 && size > rotateSize) {
                    file.close();
                    rev++;
                    continue;
                }
                break;
            }
            Tool.log(logPrefix, "[" + topic + "/" + channel + "] opening " + path);
            out = gzip ? new GZIPOutputStream(file, 64 * 1024, true) {
                {
                    def.setLevel(gzipLevel);
                }
            } : file;
        }

        private void closeFile() throws IOException {
            if (file == null) {
                return;
            }
            sync();
            if (out instanceof GZIPOutputStream g) {
                g.finish();
            }
            file.getFD().sync();
            file.close();
            file = null;
            if (skipEmptyFiles && size == 0) {
                Files.deleteIfExists(path);
            } else if (!workDir.equals(outputDir)) {
                moveToOutputDir();
            }
        }

        /** Moves the finished file from the work dir, never over an existing file: the revision goes up instead. */
        private void moveToOutputDir() throws IOException {
            Path dst = Path.of(outputDir).resolve(Path.of(workDir).relativize(path));
            Files.createDirectories(dst.getParent());
            for (int r = rev + 1; ; r++) {
                try {
                    Files.move(path, dst); // fails rather than replaces
                    Tool.log(logPrefix, "[" + topic + "/" + channel + "] moving finished file " + path + " to " + dst);
                    return;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    Tool.log(logPrefix, "WARNING: [" + topic + "/" + channel + "] destination file already exists: " + dst);
                    dst = Path.of(outputDir).resolve(filename.replace("<REV>", String.format("-%06d", r)));
                }
            }
        }

        /** SIGHUP: close the current file (moving it out of the work dir) and open the next revision. */
        synchronized void rotateNow() {
            if (file == null) {
                return;
            }
            try {
                rotate();
            } catch (IOException e) {
                Tool.log(logPrefix, "FATAL: [" + topic + "/" + channel + "] " + e.getMessage());
                Runtime.getRuntime().halt(1);
            }
        }

        /** SIGTERM/SIGINT: stop taking messages, write and sync what was taken, finish it, close. */
        void stop() {
            consumer.stopReceiving(Duration.ofSeconds(30));
            synchronized (this) {
                try {
                    closeFile(); // syncs and finishes what was written
                } catch (IOException e) {
                    Tool.log(logPrefix, "[" + topic + "/" + channel + "] closing: " + e.getMessage());
                }
            }
            consumer.stop(Duration.ofSeconds(5));
        }
    }
}
