package dev.bridgekeeper.agent.internal.transport;

import dev.bridgekeeper.agent.AgentAlreadyRunningException;
import dev.bridgekeeper.protocol.local.ChannelStreams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.ShortTempDir;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalSocketServerTest {
    private ShortTempDir tmp;

    @BeforeEach
    void setUp() throws IOException {
        tmp = new ShortTempDir();
    }

    @AfterEach
    void tearDown() throws IOException {
        tmp.close();
    }

    @Test
    void socketIsPrivateToTheUser() throws IOException {
        Path socket = tmp.resolve("sub/agent.sock");
        try (LocalSocketServer s = LocalSocketServer.start(socket, LocalConnection::close)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        }
        assertFalse(Files.exists(socket), "closing removes the socket file");
    }

    @Test
    void anExistingSharedDirectoryIsUsedButNeverReModed() throws IOException {
        // A sticky, world-writable directory like /tmp: the socket (0600) and the peer check protect.
        Path shared = tmp.resolve("shared");
        Files.createDirectory(shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(shared, "unix:mode", 01777);
        try (LocalSocketServer s = LocalSocketServer.start(shared.resolve("a.sock"), LocalConnection::close)) {
            assertEquals(01777, ((Integer) Files.getAttribute(shared, "unix:mode")) & 07777, "mode untouched");
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(shared.resolve("a.sock"))));
        }
    }

    @Test
    void aLiveAgentIsNeverStolenFrom() throws IOException {
        Path socket = tmp.resolve("agent.sock");
        try (LocalSocketServer first = LocalSocketServer.start(socket, LocalConnection::close)) {
            AgentAlreadyRunningException e = assertThrows(AgentAlreadyRunningException.class,
                    () -> LocalSocketServer.start(socket, LocalConnection::close));
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
            assertTrue(Files.exists(socket), "the first agent's socket is untouched");
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertTrue(c.isConnected(), "the first agent still answers");
            }
        }
    }

    @Test
    void closingWhileConnectionsArriveLeavesNothingBehind() throws IOException {
        // The waiting room registers each accepted connection with its selector; a close at that
        // moment once failed inside Selector.close(). Many short lives make that moment likely.
        Path socket = tmp.resolve("agent.sock");
        for (int i = 0; i < 500; i++) {
            LocalSocketServer s = LocalSocketServer.start(socket, LocalConnection::close);
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertTrue(c.isConnected());
                s.close();
            }
            assertFalse(Files.exists(socket), "run " + i + ": the socket file is removed");
        }
    }

    @Test
    void aStaleSocketIsReplaced() throws IOException, InterruptedException {
        Path socket = tmp.resolve("agent.sock");
        // A socket file nobody listens on, as a crashed agent leaves it.
        ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(socket));
        crashed.close();
        assertTrue(Files.exists(socket));
        BlockingQueue<LocalConnection> accepted = new LinkedBlockingQueue<>();
        try (LocalSocketServer s = LocalSocketServer.start(socket, accepted::add)) {
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                // A connection reaches the handler with its first frame (it waits without a thread till then).
                new dev.bridgekeeper.protocol.framing.FrameWriter(dev.bridgekeeper.protocol.local.ChannelStreams.output(c),
                        1024).write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                LocalConnection conn = accepted.poll(10, TimeUnit.SECONDS);
                assertNotNull(conn);
                assertTrue(conn.peerUser().isPresent(), "same-user peer was identified");
                assertArrayEquals("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        new dev.bridgekeeper.protocol.framing.FrameReader(conn.input(), 1024).readFrame(),
                        "the first frame is read as it was sent");
                conn.close();
            }
        }
    }

    @Test
    void aPlainFileInTheWayIsNotDeleted() throws IOException {
        Path socket = tmp.resolve("agent.sock");
        Files.writeString(socket, "precious");
        IOException e = assertThrows(IOException.class, () -> LocalSocketServer.start(socket, LocalConnection::close));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(socket));
    }

    private static boolean isRoot() throws IOException {
        Process p = new ProcessBuilder("id", "-u").start();
        return new String(p.getInputStream().readAllBytes()).trim().equals("0");
    }

    @Test
    void aDirectorySquattedByAnotherUserIsRefused() throws Exception {
        assumeTrue(isRoot(), "needs root to create a directory owned by another user");
        Path dir = tmp.resolve("squat");
        Files.createDirectory(dir);
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        IOException e = assertThrows(IOException.class,
                () -> LocalSocketServer.start(dir.resolve("agent.sock"), LocalConnection::close));
        assertTrue(e.getMessage().contains("belongs to nobody"), e.getMessage());
    }

    /**
     * A client running as another OS user ({@code nobody}) reaches the socket (its permissions are
     * loosened for the test) and is refused by the peer check, with {@code error/not_allowed},
     * before any handler sees it.
     */
    @Test
    void aPeerOfAnotherOsUserIsRefused() throws Exception {
        assumeTrue(isRoot(), "needs root to run a client as another user (nobody)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Path socket = tmp.resolve("agent.sock");
        BlockingQueue<LocalConnection> accepted = new LinkedBlockingQueue<>();
        try (LocalSocketServer s = LocalSocketServer.start(socket, accepted::add)) {
            Files.setPosixFilePermissions(tmp.path(), PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            // The client is this project's host, run as nobody from a copy of the classes it can read.
            Path classes = copyClassesForOtherUser();
            Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    HostProcess.javaBinary(), "-XX:-UsePerfData", "-cp", classes.toString(),
                    "dev.bridgekeeper.agent.internal.transport.LocalSocketServerTest$RawClient", socket.toString())
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertTrue(out.contains("\"code\":\"not_allowed\""), "client was told: " + out);
            assertNull(accepted.poll(500, TimeUnit.MILLISECONDS), "the handler never saw the other user");
        }
    }

    private Path copyClassesForOtherUser() throws IOException {
        Path dest = tmp.resolve("classes");
        for (String root : List.of(System.getProperty("bridgekeeper.classes"),
                System.getProperty("bridgekeeper.testClasses"))) {
            Path src = Path.of(root);
            try (var walk = Files.walk(src)) {
                for (Path f : walk.toList()) {
                    Path t = dest.resolve(src.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(t);
                    } else if (f.toString().endsWith(".class")) {
                        Files.copy(f, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        try (var walk = Files.walk(tmp.path())) {
            for (Path f : walk.toList()) {
                if (!f.toString().endsWith(".sock") && !f.equals(tmp.path())) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(
                            Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return dest;
    }

    /** Connects to a socket and prints the first frame it receives (run as another user). */
    public static final class RawClient {
        public static void main(String[] args) throws IOException {
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0])))) {
                String frame = new FrameReader(ChannelStreams.input(c), 1 << 16).readJsonText();
                System.out.println(frame);
            }
        }
    }
}
