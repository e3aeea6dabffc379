package dev.bridgekeeper.agent.internal;

import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import dev.bridgekeeper.protocol.Envelopes;
import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.UntrustedText;
import dev.bridgekeeper.protocol.Vocabulary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.framing.FrameException;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.agent.internal.ipc.CommunicationBackend;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.transport.LocalConnection;
import dev.bridgekeeper.agent.internal.transport.LocalSocketServer;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@link CommunicationBackend}: one Unix domain socket ({@link LocalSocketServer},
 * same-OS-user peers only) and, per connection, the host's {@code hello} checked against the
 * allow-list before anything else happens. An allowed extension gets {@code status/connected} and
 * becomes an IPC connection; a caller that is not allowed gets {@code error/not_allowed} and is
 * closed. An admin hello (the CLI) is handed to the admin handler instead.
 *
 * <p>Each connection reads on its own thread and writes from its own bounded queue, so a peer
 * that stops reading fills only its own queue: when that is full the connection is closed
 * ("slow consumer") and every other connection goes on.
 */
public final class SocketBackend implements CommunicationBackend {
    private static final Logger log = LoggerFactory.getLogger(SocketBackend.class);
    /** Frames queued for one peer before it counts as stuck. */
    static final int WRITE_QUEUE_FRAMES = Limits.AGENT_WRITE_QUEUE_FRAMES;
    /** How long a new connection may take to send its hello. */
    static final long HELLO_TIMEOUT_MS = Limits.HELLO_TIMEOUT_MILLIS;
    private static final byte[] CLOSE = new byte[0];

    private final List<Path> socketPaths;
    private final Set<String> allowedCallers;
    private final String desktopName;
    private final BiConsumer<LocalConnection, FrameChannel> adminHandler;
    private final Map<String, Conn> connections = new ConcurrentHashMap<>();
    private final Map<String, Hello.Extension> hellos = new ConcurrentHashMap<>();
    /** Peer-facing: the protocol's JSON limits (nesting 64, decision D2) and no duplicate names. */
    private final ObjectMapper json = JsonLimits.mapper(Frames.DEFAULT_MAX_FRAME);
    private final java.util.concurrent.ScheduledThreadPoolExecutor helloTimer = daemonTimer();
    private volatile Listener listener;
    private final List<LocalSocketServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Reading and writing frames of a connection that is not an IPC connection (admin). */
    public record FrameChannel(FrameReader reader, FrameWriter writer) {}

    /**
     * @param socketPaths the first is the agent's own socket; the others serve sandboxed browsers
     *                    (Flatpak) that cannot see the first one
     */
    public SocketBackend(List<Path> socketPaths, Set<String> allowedCallers, String desktopName,
            BiConsumer<LocalConnection, FrameChannel> adminHandler) {
        this.socketPaths = List.copyOf(socketPaths);
        this.allowedCallers = Set.copyOf(allowedCallers);
        this.desktopName = desktopName;
        this.adminHandler = adminHandler;
    }

    @Override
    public synchronized void start(Listener listener) throws IOException {
        if (this.listener != null) {
            throw new IllegalStateException("already started");
        }
        this.listener = listener;
        servers.add(LocalSocketServer.start(socketPaths.get(0), this::serve));
        for (Path extra : socketPaths.subList(1, socketPaths.size())) {
            try {
                servers.add(LocalSocketServer.start(extra, this::serve));
            } catch (IOException e) {
                // A sandbox socket is a convenience: the agent still serves everyone else.
                log.warn("cannot also listen on {}: {}", extra, e.getMessage());
            }
        }
    }

    /** The agent's own socket. */
    public Path path() {
        return servers.isEmpty() ? socketPaths.get(0) : servers.get(0).path();
    }

    /** The browser window handle the host's hello gave for a connection; -1 when none. */
    public long parentWindow(String connectionId) {
        Hello.Extension h = hellos.get(connectionId);
        return h == null ? -1 : h.parentWindow();
    }

    /** What the host's hello said about a connection (for the browser window handle). */
    public Hello.Extension hello(String connectionId) {
        return hellos.get(connectionId);
    }

    /** Runs on the connection's own thread for its whole life. */
    private void serve(LocalConnection lc) {
        FrameReader reader = new FrameReader(lc.input(), Frames.DEFAULT_MAX_FRAME);
        FrameWriter writer = new FrameWriter(lc.output(), Frames.MAX_TO_BROWSER);
        Hello hello;
        try {
            hello = readHello(lc, reader);
        } catch (IllegalArgumentException | FrameException e) {
            log.info("connection {}: refused: {}", lc.id(), e.getMessage());
            sendError(writer, e instanceof FrameException fe ? fe.kind().code() : EnvelopeErrorCode.PROTOCOL_ERROR,
                    e.getMessage());
            lc.close();
            return;
        } catch (IOException e) {
            lc.close();
            return;
        }
        if (hello instanceof Hello.Admin) {
            try (lc) {
                adminHandler.accept(lc, new FrameChannel(reader, writer));
            }
            return;
        }
        Hello.Extension ext = (Hello.Extension) hello;
        if (!allowedCallers.contains(ext.callerId())) {
            log.warn("connection {}: caller {} is not on the allow-list; refused", lc.id(), printable(ext.callerId()));
            sendError(writer, EnvelopeErrorCode.NOT_ALLOWED, "this extension is not allowed to talk to this desktop app");
            lc.close();
            return;
        }
        String id = "c" + lc.id();
        Conn conn = new Conn(id, lc, writer);
        try {
            ObjectNode status = json.createObjectNode();
            status.put("type", Vocabulary.TYPE_STATUS);
            status.put("state", Vocabulary.STATE_CONNECTED);
            status.putObject("desktop").put("name", desktopName).put("version", Version.VERSION);
            writer.write(json.writeValueAsBytes(status));
        } catch (IOException e) {
            lc.close();
            return;
        }
        connections.put(id, conn);
        hellos.put(id, ext);
        conn.startWriter();
        log.info("connection {}: {} extension {} (host pid {})", id, ext.browser(), printable(ext.callerId()),
                ext.hostPid());
        Listener l = listener;
        try {
            l.opened(ConnectionInfo.fromExtension(id, ext.callerId(), ext.browser(),
                    lc.peerUser().map(UserPrincipal::getName).orElse(null), ext.hostPid() >= 0 ? ext.hostPid() : null));
            while (conn.open) {
                byte[] frame;
                try {
                    frame = reader.readFrame();
                } catch (FrameException e) {
                    log.info("connection {}: bad frame: {}", id, e.getMessage());
                    sendError(writer, e.kind().code(), e.getMessage());
                    break;
                }
                if (frame == null) {
                    break;
                }
                l.frame(id, frame);
            }
        } catch (IOException e) {
            // The peer went away (or we closed it): the connection ends.
        } finally {
            finish(conn);
        }
    }

    private Hello readHello(LocalConnection lc, FrameReader reader) throws IOException {
        // A peer that connects and says nothing must not hold a thread forever.
        var timeout = helloTimer.schedule(lc::close, HELLO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        try {
            String text = reader.readJsonText();
            if (text == null) {
                throw new IOException("closed before hello");
            }
            JsonNode n;
            try {
                n = json.readTree(text);
            } catch (IOException e) {
                throw new IllegalArgumentException("the first frame is not valid JSON");
            }
            return Hello.parse(n);
        } finally {
            timeout.cancel(false);
        }
    }

    private void sendError(FrameWriter writer, EnvelopeErrorCode code, String message) {
        try {
            writer.write(Envelopes.errorBytes(code, message));
        } catch (IOException ignored) {
            // The peer is being dropped either way.
        }
    }

    private void finish(Conn conn) {
        if (connections.remove(conn.id) != null) {
            conn.shutdown();
            hellos.remove(conn.id);
            Listener l = listener;
            if (l != null) {
                l.closed(conn.id);
            }
        }
    }

    @Override
    public void send(String connectionId, byte[] frame) {
        Conn c = connections.get(connectionId);
        if (c == null || !c.open) {
            throw new IpcException("connection " + connectionId + " is closed");
        }
        if (frame.length > Frames.MAX_TO_BROWSER) {
            throw new IpcException("frame of " + frame.length + " bytes is over the browser's limit");
        }
        if (!c.queue.offer(frame)) {
            log.warn("connection {}: the peer is not reading ({} frames queued); closing it", connectionId,
                    WRITE_QUEUE_FRAMES);
            c.shutdown();
            throw new IpcException("connection " + connectionId + " is not reading; closed");
        }
    }

    @Override
    public void close(String connectionId) {
        Conn c = connections.get(connectionId);
        if (c != null) {
            c.closeAfterQueued();
        }
    }

    @Override
    public void close() {
        helloTimer.shutdownNow();
        for (LocalSocketServer s : servers) {
            s.close();
        }
        for (Conn c : connections.values()) {
            c.shutdown();
        }
    }

    private static java.util.concurrent.ScheduledThreadPoolExecutor daemonTimer() {
        var t = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "bridgekeeper-hello-timeout");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    static String printable(String s) {
        return UntrustedText.printable(s, 80);
    }

    /** One IPC connection: its socket, and a writer thread draining a bounded queue. */
    private final class Conn {
        final String id;
        final LocalConnection lc;
        final FrameWriter writer;
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(WRITE_QUEUE_FRAMES);
        volatile boolean open = true;

        Conn(String id, LocalConnection lc, FrameWriter writer) {
            this.id = id;
            this.lc = lc;
            this.writer = writer;
        }

        void startWriter() {
            Thread t = new Thread(this::drain, "bridgekeeper-write-" + id);
            t.setDaemon(true);
            t.start();
        }

        private void drain() {
            try {
                while (true) {
                    byte[] f = queue.poll(1, TimeUnit.SECONDS);
                    if (f == null) {
                        if (!open) {
                            return;
                        }
                        continue;
                    }
                    if (f == CLOSE) {
                        break;
                    }
                    writer.write(f);
                }
            } catch (IOException | InterruptedException e) {
                // The peer is gone; the reader side notices too.
            }
            shutdown();
        }

        /** Closes once everything queued before (an error envelope, say) has been written. */
        void closeAfterQueued() {
            if (!queue.offer(CLOSE)) {
                shutdown();
            }
        }

        void shutdown() {
            open = false;
            lc.close();
        }
    }
}
