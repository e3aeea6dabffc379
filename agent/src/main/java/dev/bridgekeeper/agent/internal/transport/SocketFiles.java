package dev.bridgekeeper.agent.internal.transport;

import dev.bridgekeeper.agent.AgentAlreadyRunningException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-system side of the agent's socket (PROTOCOL.md §2.7): the directory's ownership and
 * mode, a stale socket replaced but a live one or a non-socket never touched, and the socket bound
 * with mode 0600.
 */
final class SocketFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSocketServer.class);
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");

    private SocketFiles() {}

    /** Binds a listening socket on {@code path} (which must be free), mode 0600. */
    static ServerSocketChannel bind(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path), LocalSocketServer.ACCEPT_BACKLOG);
            if (isPosix()) {
                Files.setPosixFilePermissions(path, SOCKET_MODE);
            }
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /**
     * Creates the socket directory 0700, or checks an existing one. An existing directory is never
     * re-moded (it may be a shared one such as /tmp): it must be ours, or a sticky directory where
     * others cannot remove our socket. Either way the socket itself is 0600 and every peer's OS
     * user is checked, which is what keeps other users out.
     */
    static UserPrincipal prepareDirectory(Path dir) throws IOException {
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
            LOG.info("socket directory {} is mode {}, not 0700; the socket itself is 0600", dir,
                    PosixFilePermissions.toString(mode));
        }
        return me;
    }

    /** A directory with the sticky bit (like /tmp): only a file's owner may remove it. */
    static boolean isSticky(Path dir) throws IOException {
        Object mode = Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer m && (m & 01000) != 0;
    }

    /** This process's effective user: the owner of a file it creates. */
    static UserPrincipal processUser(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".owner", ".probe");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    static void removeStaleSocket(Path path) throws IOException {
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
            LOG.info("replacing stale socket {} (nobody is listening on it)", path);
            Files.deleteIfExists(path);
        } catch (AgentAlreadyRunningException e) {
            throw e;
        } catch (IOException notASocket) {
            throw new IOException(path + " exists and is not a socket an agent can replace: " + notASocket.getMessage(),
                    notASocket);
        }
    }

    static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
