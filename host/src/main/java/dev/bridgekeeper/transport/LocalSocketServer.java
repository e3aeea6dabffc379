package dev.bridgekeeper.transport;

import dev.bridgekeeper.framing.FrameWriter;
import dev.bridgekeeper.framing.Frames;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * Each accepted connection is handed to the handler on its own thread, so a slow connection never
 * holds up the others or the accept loop.
 */
public final class LocalSocketServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalSocketServer.class);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private final ServerSocketChannel server;
    private final Consumer<LocalConnection> handler;
    private final UserPrincipal owner;
    private final Object socketFileKey;
    private final AtomicLong ids = new AtomicLong();
    private final Thread acceptThread;
    private volatile boolean closed;

    private LocalSocketServer(Path path, ServerSocketChannel server, Consumer<LocalConnection> handler,
            UserPrincipal owner, Object socketFileKey) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.owner = owner;
        this.socketFileKey = socketFileKey;
        this.acceptThread = new Thread(this::acceptLoop, "bridgekeeper-accept");
        this.acceptThread.setDaemon(true);
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
        UserPrincipal me = prepareDirectory(dir);
        removeStaleSocket(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            if (isPosix()) {
                Files.setPosixFilePermissions(path, SOCKET_MODE);
            }
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            LocalSocketServer s = new LocalSocketServer(path, server, handler, me, key);
            s.acceptThread.start();
            log.info("listening on {}", path);
            return s;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /**
     * Creates the socket directory 0700, or checks an existing one. An existing directory is never
     * re-moded (it may be a shared one such as /tmp): it must be ours, or a sticky directory where
     * others cannot remove our socket. Either way the socket itself is 0600 and every peer's OS
     * user is checked, which is what keeps other users out.
     */
    private static UserPrincipal prepareDirectory(Path dir) throws IOException {
        if (!isPosix()) {
            Files.createDirectories(dir);
            return null;
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another process made it between our check and create; the checks below decide.
            }
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("socket directory " + dir + " is not a plain directory; refusing to use it");
        }
        UserPrincipal dirOwner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal me = processUser(dir);
        if (!dirOwner.equals(me) && !isSticky(dir)) {
            throw new IOException("socket directory " + dir + " belongs to " + dirOwner.getName()
                    + ", not to this user; refusing to use it (another user may be squatting the path)");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (dirOwner.equals(me) && !mode.equals(DIR_MODE)) {
            log.info("socket directory {} is mode {}, not 0700; the socket itself is 0600", dir,
                    PosixFilePermissions.toString(mode));
        }
        return me;
    }

    /** A directory with the sticky bit (like /tmp): only a file's owner may remove it. */
    private static boolean isSticky(Path dir) throws IOException {
        Object mode = Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer m && (m & 01000) != 0;
    }

    /** This process's effective user: the owner of a file it creates. */
    private static UserPrincipal processUser(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".owner", ".probe");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Only ever delete a socket: a regular file "refuses" connections too, and is not ours to remove.
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isOther()) {
            throw new IOException(path + " exists and is not a socket; move it away or choose another --socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new AgentAlreadyRunningException(path);
        } catch (ConnectException stale) {
            log.info("replacing stale socket {} (nobody is listening on it)", path);
            Files.deleteIfExists(path);
        } catch (AgentAlreadyRunningException e) {
            throw e;
        } catch (IOException notASocket) {
            throw new IOException(path + " exists and is not a socket an agent can replace: " + notASocket.getMessage(),
                    notASocket);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.warn("accept failed: {}", e.toString());
                continue;
            }
            long id = ids.incrementAndGet();
            Thread t = new Thread(() -> admit(id, ch), "bridgekeeper-conn-" + id);
            t.setDaemon(true);
            t.start();
        }
    }

    /** Checks the peer's OS user, then hands the connection to the handler (this thread). */
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
        LocalConnection conn = new LocalConnection(id, ch, peer.orElse(null));
        try {
            handler.accept(conn);
        } catch (RuntimeException e) {
            log.error("connection {}: handler failed: {}", id, e.toString());
            conn.close();
        }
    }

    private static void refuse(SocketChannel ch) {
        try {
            FrameWriter w = new FrameWriter(ChannelStreams.output(ch), Frames.DEFAULT_MAX_FRAME);
            w.write("{\"type\":\"error\",\"code\":\"not_allowed\",\"message\":\"the peer is another OS user\"}"
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // The peer may already be gone; it is refused either way.
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing more to do for a connection we are dropping.
        }
    }

    private static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Stops accepting and removes the socket file if it is still the one this server created. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing the listener is best effort; the file removal below is what matters.
        }
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(key, socketFileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException gone) {
            // Already removed (or replaced by someone else, whom we leave alone).
        }
    }
}
