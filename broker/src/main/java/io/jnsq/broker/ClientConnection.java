package io.jnsq.broker;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.protocol.compress.StreamCodec;
import io.jnsq.protocol.stats.ClientStats;
import io.jnsq.broker.auth.AuthState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One TCP client of the broker (nsqd's client_v2): its negotiated settings, its counts, and its side of the socket.
 *
 * <p>As a {@link Consumer} it pulls from its channel on its own event loop, as nsqd's per-client message pump does:
 * whenever it has RDY to spare (after SUB, RDY, FIN, REQ, a timeout, or a wake-up from the channel) it takes what
 * the channel has ready, up to that RDY, into its output buffer. The buffer goes out when it holds
 * {@code output_buffer_size} bytes, when {@code output_buffer_timeout} has passed since it started filling, when the
 * client has no RDY left, and before any response, error or heartbeat, so frames keep their order. Size 1 or timeout
 * 0 write at once. While the socket's write queue is full it stops pulling until the socket drains.
 */
final class ClientConnection implements Consumer {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final int TAKE_BATCH = 128;

    static final int STATE_INIT = 0;
    static final int STATE_SUBSCRIBED = 3;
    static final int STATE_CLOSING = 4;

    final long id = IDS.incrementAndGet();
    final String remoteAddress;
    final long connectTs = System.currentTimeMillis() / 1000;

    private final Vertx vertx;
    private final NetSocketInternal socket;
    private final Context context;
    private final Nsqd nsqd;
    private final AtomicBoolean pullScheduled = new AtomicBoolean();
    private final Map<String, AtomicLong> pubCounts = new ConcurrentHashMap<>();
    private final List<Message> taken = new ArrayList<>(TAKE_BATCH);

    // negotiated by IDENTIFY (event loop only, read by stats)
    volatile String clientId;
    volatile String hostname;
    volatile String userAgent = "";
    volatile int state = STATE_INIT;
    long heartbeatIntervalMillis;
    int outputBufferSize = 16 * 1024;
    long outputBufferTimeoutMillis;
    volatile long msgTimeoutNanos;
    volatile int sampleRate;
    volatile boolean deflate;
    volatile boolean snappy;
    volatile boolean tls;
    private volatile String tlsVersion = "";
    private volatile String tlsCipherSuite = "";
    volatile AuthState authState; // what the auth server granted (event loop writes; stats read)
    String authSecret = ""; // asked again when the grant expires (event loop only)
    volatile Channel channel;

    // counts: RDY is set on the event loop; in flight also drops on the scanner thread (timeouts)
    volatile long readyCount;
    private final AtomicLong inFlightCount = new AtomicLong();
    private volatile long messageCount;
    private volatile long finishCount;
    private volatile long requeueCount;

    private StreamCodec codec;
    // the output buffer: message frames not yet written (event loop only). Pooled direct memory, written to the socket
    // as it is (Netty releases it once sent): no heap array to zero per flush, no copy into a direct buffer to send.
    private ByteBuf pending;
    private long pendingTimer = -1;
    private long heartbeatTimer = -1;
    private long lastReadNanos = System.nanoTime();
    private boolean waitingForDrain;
    private int readPauses; // READ_PAUSE_* bits
    private boolean closed;

    ClientConnection(Vertx vertx, NetSocket socket, Context context, Nsqd nsqd) {
        this.vertx = vertx;
        // Vert.x's interface for protocols written on a NetSocket: writes a Netty ByteBuf as it is (its allocator too)
        this.socket = (NetSocketInternal) socket;
        this.context = context;
        this.nsqd = nsqd;
        String host = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().host();
        int port = socket.remoteAddress() == null ? 0 : socket.remoteAddress().port();
        this.remoteAddress = host + ":" + port;
        this.clientId = host;
        this.hostname = host;
        NsqdOptions o = nsqd.options();
        this.heartbeatIntervalMillis = o.clientTimeout.toMillis() / 2;
        this.outputBufferTimeoutMillis = o.outputBufferTimeout.toMillis();
        this.msgTimeoutNanos = o.msgTimeout.toNanos();
    }

    /** Starts the heartbeat (and the idle check that comes with it) at the current interval. */
    void startHeartbeat() {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
            heartbeatTimer = -1;
        }
        if (heartbeatIntervalMillis > 0) {
            heartbeatTimer = vertx.setPeriodic(heartbeatIntervalMillis, t -> heartbeat());
        }
    }

    void touchRead() {
        lastReadNanos = System.nanoTime();
    }

    // ---- Consumer ----

    @Override
    public void wake() {
        if (pullScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                pullScheduled.set(false);
                pull();
            });
        }
    }

    @Override
    public void timedOut() {
        inFlightCount.decrementAndGet();
        wake();
    }

    @Override
    public void emptied() {
        inFlightCount.set(0);
        wake();
    }

    @Override
    public long msgTimeoutNanos() {
        return msgTimeoutNanos;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    /** Closes the connection from any thread; cleanup happens in {@link #closed()}. */
    @Override
    public void close() {
        context.runOnContext(v -> socket.close());
    }

    @Override
    public ClientStats stats() {
        List<ClientStats.PubCount> pubs = new ArrayList<>();
        pubCounts.forEach((t, c) -> pubs.add(new ClientStats.PubCount(t, c.get())));
        return new ClientStats(clientId, hostname, "V2", remoteAddress, state, readyCount, inFlightCount.get(),
                messageCount, finishCount, requeueCount, connectTs, sampleRate, deflate, snappy, userAgent,
                authState != null, authState == null ? null : authState.identity(),
                authState == null ? null : authState.identityUrl(), pubs, tls, tlsCipherSuite, tlsVersion, "", false);
    }

    // ---- the message pump (event loop) ----

    /** Takes what the channel has ready, as RDY allows, into the output buffer; then applies the flush rules. */
    void pull() {
        Channel ch = channel;
        if (closed || ch == null || state != STATE_SUBSCRIBED) {
            return;
        }
        boolean gotAny = false;
        while (!socket.writeQueueFull()) {
            long room = readyCount - inFlightCount.get();
            if (room <= 0) {
                break;
            }
            taken.clear();
            int n = ch.take(this, (int) Math.min(room, TAKE_BATCH), taken);
            if (n == 0) {
                break;
            }
            inFlightCount.addAndGet(n);
            messageCount += n;
            if (pending == null) {
                pending = socket.channelHandlerContext().alloc()
                        .directBuffer(Math.max(256, Math.min(outputBufferSize, 64 * 1024)));
            }
            for (Message m : taken) {
                m.writeFrame(pending);
            }
            gotAny = true;
            if (pending.readableBytes() >= outputBufferSize) {
                writePending();
            }
        }
        taken.clear();
        if (socket.writeQueueFull()) {
            awaitDrain(false);
        }
        if (gotAny) {
            flushByRules();
        }
    }

    /**
     * The socket's write queue is full: pull nothing more until it drains, and with {@code stopReading} read
     * nothing more from the client either (a publisher that doesn't read its OKs is slowed down, not buffered).
     */
    void awaitDrain(boolean stopReading) {
        if (stopReading) {
            pauseReading(READ_PAUSE_DRAIN);
        }
        if (!waitingForDrain) {
            waitingForDrain = true;
            socket.drainHandler(v -> {
                waitingForDrain = false;
                resumeReading(READ_PAUSE_DRAIN);
                pull();
            });
        }
    }

    private void flushByRules() {
        if (pending == null || !pending.isReadable()) {
            return;
        }
        boolean outOfRdy = inFlightCount.get() >= readyCount;
        if (pending.readableBytes() >= outputBufferSize || outputBufferTimeoutMillis <= 0 || outOfRdy) {
            writePending();
        } else if (pendingTimer < 0) {
            pendingTimer = vertx.setTimer(outputBufferTimeoutMillis, t -> {
                pendingTimer = -1;
                writePending();
            });
        }
    }

    /** FIN went through: one less in flight, so there may be room to pull. */
    void finished() {
        inFlightCount.decrementAndGet();
        finishCount++;
    }

    /** REQ went through. */
    void requeued() {
        inFlightCount.decrementAndGet();
        requeueCount++;
    }

    void sendResponse(byte[] data) {
        writeFrame(FrameType.RESPONSE, data);
    }

    void sendError(String text) {
        writeFrame(FrameType.ERROR, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Writes a non-message frame from the event loop, after whatever the output buffer holds. */
    void writeFrame(FrameType type, byte[] data) {
        writePending();
        writeRaw(Frame.encode(type, data));
    }

    /** The client's RDY changed: if it can take no more, what is buffered goes out now, as in nsqd. */
    void readyChanged() {
        if (readyCount <= inFlightCount.get()) {
            writePending();
        }
    }

    /**
     * Upgrades the socket to TLS (after the IDENTIFY answer, as nsqd does), with nsqd's 5 s handshake deadline. The
     * future fails for a handshake that fails or does not finish in time.
     */
    Future<Void> upgradeTls() {
        writePending();
        return socket.upgradeToSsl().onSuccess(v -> {
            tls = true;
            javax.net.ssl.SSLSession session = socket.sslSession();
            if (session != null) {
                tlsVersion = session.getProtocol().replace("TLSv", "TLS"); // nsqd's names: TLS1.2, TLS1.3
                tlsCipherSuite = ServerTls.nsqdCipherSuite(session.getCipherSuite());
            }
        });
    }

    /** The common name of the client's certificate, "" without TLS or a certificate. */
    String tlsCommonName() {
        return tls ? ServerTls.peerCommonName(socket) : "";
    }

    /** From here on, what we send is compressed with {@code codec}. */
    void compressOutput(StreamCodec codec) {
        this.codec = codec;
    }

    void published(String topic, int count) {
        pubCounts.computeIfAbsent(topic, t -> new AtomicLong()).addAndGet(count);
        if (state != STATE_SUBSCRIBED) {
            nsqd.addProducer(this);
        }
    }

    NetSocket socket() {
        return socket;
    }

    /** Why the socket is not reading: a publisher far ahead of its publishes ({@link ProtocolV2}), or not draining. */
    static final int READ_PAUSE_BACKLOG = 1;
    static final int READ_PAUSE_DRAIN = 2;

    /**
     * Stops reading from the client for {@code reason} until {@link #resumeReading} with the same reason: the socket
     * reads nothing more (beyond what Vert.x already holds) while any reason holds.
     */
    void pauseReading(int reason) {
        if (readPauses == 0) {
            socket.pause();
        }
        readPauses |= reason;
    }

    void resumeReading(int reason) {
        if (readPauses == 0) {
            return;
        }
        readPauses &= ~reason;
        if (readPauses == 0) {
            socket.resume();
        }
    }

    Context context() {
        return context;
    }

    /** The socket closed: stop timers and leave the channel. In-flight messages time out and are redelivered. */
    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        cancelPendingTimer();
        releasePending();
        nsqd.removeClient(this);
        if (channel != null) {
            channel.removeConsumer(this);
        }
    }

    @Override
    public String toString() {
        return remoteAddress;
    }

    private void heartbeat() {
        long idle = System.nanoTime() - lastReadNanos;
        if (idle > 2 * heartbeatIntervalMillis * 1_000_000L) {
            LOG.infof("[%s] closing: no command or heartbeat reply for %d ms", this, idle / 1_000_000);
            socket.close();
            return;
        }
        writeFrame(FrameType.RESPONSE, Frame.HEARTBEAT);
    }

    private void writePending() {
        cancelPendingTimer();
        if (pending == null || !pending.isReadable()) {
            return;
        }
        if (closed) {
            releasePending();
            return;
        }
        ByteBuf out = pending;
        pending = null;
        if (codec == null) {
            socket.writeMessage(out);
        } else {
            byte[] plain = ByteBufUtil.getBytes(out);
            out.release();
            writeRaw(plain);
        }
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    private void cancelPendingTimer() {
        if (pendingTimer >= 0) {
            vertx.cancelTimer(pendingTimer);
            pendingTimer = -1;
        }
    }

    private void writeRaw(byte[] bytes) {
        if (closed) {
            return;
        }
        byte[] out = codec == null ? bytes : codec.encode(bytes);
        socket.writeMessage(Unpooled.wrappedBuffer(out));
    }
}
