package dev.bridgekeeper.agent.internal.transport;

import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import dev.bridgekeeper.protocol.Envelopes;
import dev.bridgekeeper.agent.AgentAlreadyRunningException;
import dev.bridgekeeper.protocol.local.ChannelStreams;
import dev.bridgekeeper.protocol.local.PeerCredentials;
import dev.bridgekeeper.protocol.local.SocketPaths;

import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's listening socket: a Unix domain socket in a directory only this user can enter.
 *
 * <p>On start it refuses to steal a socket a live agent still answers on, replaces a stale one
 * (a socket file nobody listens on, left by a crash), creates the directory 0700 and the socket
 * 0600. Every accepted peer must be the same OS user as this process; any other user gets an
 * {@code error/not_allowed} frame, is logged and disconnected before any handler sees it.
 * Accepted connections wait for their first frame in a {@link WaitingRoom} (one selector thread
 * for all of them, a cap on how many, a time-out); each is then handed to the handler on its own
 * thread, so a slow connection never holds up the others or the accept loop, and idle ones cost no
 * thread. The listening backlog is sized for bursts of connections.
 *
 * <p>While it runs it keeps its socket file: a cleaner that empties the runtime directory, or a
 * user who deletes the file, would otherwise leave the agent alive but unreachable for every new
 * host. A watcher thread notices (a directory watch, and a re-check of the file's identity every
 * few seconds where watches are slow or unavailable) and binds a fresh socket on the same path;
 * connections already accepted are not affected. It never takes the path from another live agent.
 */
public final class LocalSocketServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalSocketServer.class);

    /** Connections still waiting to say hello before new ones are refused (system property to change it). */
    static final int MAX_UNAUTHENTICATED = Integer.getInteger("bridgekeeper.maxUnauthenticatedConnections", 1024);
    /** How long a new connection may take to send its first frame (ms). */
    static final long FIRST_FRAME_TIMEOUT_MS = Long.getLong("bridgekeeper.firstFrameTimeoutMs", 5000);
    /** The kernel's queue of connections not accepted yet (Linux caps it at net.core.somaxconn). */
    static final int ACCEPT_BACKLOG = Integer.getInteger("bridgekeeper.acceptBacklog", 4096);

    /** How often the socket file is re-checked when no directory event came (a fallback). */
    static final long RECHECK_MILLIS = 2000;

    private final Path path;
    private final Consumer<LocalConnection> handler;
    private final UserPrincipal owner;
    private final AtomicLong ids = new AtomicLong();
    private final Thread acceptThread;
    private final Thread watchThread;
    private final WaitingRoom waitingRoom;
    /** Guards re-binding against close. */
    private final Object bindLock = new Object();
    /** The listening channel; replaced when the socket file had to be re-created. */
    private volatile ServerSocketChannel server;
    /** Identity (inode) of the socket file this server created; null where the OS has none. */
    private volatile Object socketFileKey;
    private volatile WatchService watcher;
    /** The last re-bind problem logged, so a lasting one is logged once, not every re-check. */
    private String lastRebindProblem;
    /** The socket file of another live agent that took the path; not probed again while it stays. */
    private Object foreignSocketKey;
    private volatile boolean closed;

    private LocalSocketServer(Path path, ServerSocketChannel server, Consumer<LocalConnection> handler,
            UserPrincipal owner, Object socketFileKey) throws IOException {
        this.path = path;
        this.waitingRoom = new WaitingRoom(MAX_UNAUTHENTICATED, FIRST_FRAME_TIMEOUT_MS, handler);
        this.server = server;
        this.handler = handler;
        this.owner = owner;
        this.socketFileKey = socketFileKey;
        this.acceptThread = new Thread(this::acceptLoop, "bridgekeeper-accept");
        this.acceptThread.setDaemon(true);
        this.watchThread = new Thread(this::watchLoop, "bridgekeeper-socket-watch");
        this.watchThread.setDaemon(true);
    }

    /**
     * Binds the socket and starts accepting.
     *
     * @param path    the socket path (see {@link SocketPaths})
     * @param handler called on a new thread for each accepted same-user connection; it owns the
     *                connection and must close it
     * @throws AgentAlreadyRunningException if a live agent answers on {@code path}
     * @throws IOException                  if the directory is unsafe or binding fails
     */
    public static LocalSocketServer start(Path path, Consumer<LocalConnection> handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        path = path.toAbsolutePath();
        Path dir = path.getParent();
        UserPrincipal me = SocketFiles.prepareDirectory(dir);
        SocketFiles.removeStaleSocket(path);
        ServerSocketChannel server = SocketFiles.bind(path);
        Object key = SocketFiles.fileKey(path);
        LocalSocketServer s = new LocalSocketServer(path, server, handler, me, key);
        s.acceptThread.start();
        s.watchThread.start();
        log.info("listening on {}", path);
        return s;
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            ServerSocketChannel listening = server;
            SocketChannel ch;
            try {
                ch = listening.accept();
            } catch (ClosedChannelException e) {
                if (closed || listening == server) {
                    return;
                }
                continue; // Re-bound: accept on the new channel.
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.warn("accept failed: {}", e.toString());
                continue;
            }
            admit(ids.incrementAndGet(), ch);
        }
    }

    /**
     * Waits for changes in the socket's directory (or the re-check interval) and re-creates the
     * socket whenever its file is no longer the one this server bound.
     */
    private void watchLoop() {
        WatchKey key = null;
        while (!closed) {
            try {
                if (key == null || !key.isValid()) {
                    key = registerWatch();
                }
                WatchService w = watcher;
                if (w != null) {
                    WatchKey fired = w.poll(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                    if (fired != null) {
                        fired.pollEvents();
                        fired.reset();
                    }
                } else {
                    Thread.sleep(RECHECK_MILLIS);
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return; // Closing.
            }
            if (!closed && !socketFileIsOurs()) {
                rebind();
            }
        }
    }

    /** Watches the socket's directory; null when that is not possible (the re-check covers it). */
    private WatchKey registerWatch() {
        try {
            if (watcher == null) {
                watcher = path.getFileSystem().newWatchService();
            }
            return path.getParent().register(watcher, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException e) {
            return null; // The directory is gone (re-created on re-bind) or no watch is possible here.
        }
    }

    /** The identity of whatever file is at {@link #path} now, or null if none (or the OS has none). */
    private Object currentFileKey() {
        try {
            return SocketFiles.fileKey(path);
        } catch (IOException e) {
            return null;
        }
    }

    /** True while {@link #path} is still the socket file this server bound (or we cannot tell). */
    private boolean socketFileIsOurs() {
        try {
            Object key = SocketFiles.fileKey(path);
            return key == null || key.equals(socketFileKey);
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException unknown) {
            return true; // Cannot look: leave things as they are.
        }
    }

    /** Binds a fresh socket on the path, unless another live agent serves it now. */
    private void rebind() {
        synchronized (bindLock) {
            if (closed || socketFileIsOurs()) {
                return;
            }
            Object current = currentFileKey();
            if (current != null && current.equals(foreignSocketKey)) {
                return; // Still the other agent's socket: do not knock on its door every few seconds.
            }
            try {
                SocketFiles.prepareDirectory(path.getParent());
                SocketFiles.removeStaleSocket(path);
                ServerSocketChannel fresh = SocketFiles.bind(path);
                ServerSocketChannel old = server;
                socketFileKey = SocketFiles.fileKey(path);
                server = fresh;
                closeQuietly(old);
                lastRebindProblem = null;
                foreignSocketKey = null;
                log.warn("the socket file {} was removed or replaced; listening on a new one", path);
            } catch (IOException e) {
                if (e instanceof AgentAlreadyRunningException) {
                    foreignSocketKey = current;
                }
                String problem = e instanceof AgentAlreadyRunningException
                        ? "another agent now serves " + path + "; this one keeps its connections but gets no new ones"
                        : "could not re-create the socket " + path + " (" + e.getMessage() + "); retrying";
                if (!problem.equals(lastRebindProblem)) {
                    log.warn(problem);
                    lastRebindProblem = problem;
                }
            }
        }
    }

    /** Checks the peer's OS user (a quick system call), then lets the connection wait for its first frame. */
    private void admit(long id, SocketChannel ch) {
        Optional<UserPrincipal> peer;
        try {
            peer = PeerCredentials.peerUser(ch);
        } catch (IOException e) {
            log.warn("connection {}: could not read peer credentials ({}); refusing it", id, e.toString());
            closeQuietly(ch);
            return;
        }
        if (owner != null && peer.isPresent() && !peer.get().equals(owner)) {
            log.warn("connection {}: refused peer of OS user '{}' (this agent serves '{}')",
                    id, peer.get().getName(), owner.getName());
            refuse(ch);
            return;
        }
        if (owner != null && peer.isEmpty()) {
            log.warn("connection {}: this platform gave no peer credentials; refusing it", id);
            refuse(ch);
            return;
        }
        waitingRoom.admit(id, ch, peer.orElse(null));
    }

    private static void refuse(SocketChannel ch) {
        try {
            FrameWriter w = new FrameWriter(ChannelStreams.output(ch), Frames.DEFAULT_MAX_FRAME);
            w.write(Envelopes.errorBytes(EnvelopeErrorCode.NOT_ALLOWED, "the peer is another OS user"));
        } catch (IOException ignored) {
            // The peer may already be gone; it is refused either way.
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing more to do for a connection we are dropping.
        }
    }

    /** Stops accepting and removes the socket file if it is still the one this server created. */
    @Override
    public void close() {
        synchronized (bindLock) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(server); // Best effort; the file removal below is what matters.
            waitingRoom.close();
            WatchService w = watcher;
            if (w != null) {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // The watcher thread ends either way (it checks `closed`).
                }
            }
            watchThread.interrupt();
            try {
                if (Objects.equals(SocketFiles.fileKey(path), socketFileKey)) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException gone) {
                // Already removed (or replaced by someone else, whom we leave alone).
            }
        }
    }
}
