package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.await;
import static dev.bridgekeeper.faults.FaultFixture.faults;
import static dev.bridgekeeper.faults.FaultFixture.get;
import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static dev.bridgekeeper.faults.FaultFixture.nextFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.ShortTempDir;
import dev.bridgekeeper.testing.TestExtension;
import dev.bridgekeeper.agent.internal.transport.LocalConnection;
import dev.bridgekeeper.agent.internal.transport.LocalSocketServer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's socket file deleted (or its whole directory) while the agent runs, as a cleaner of
 * the runtime directory or a user would do it: the agent re-creates the socket, new hosts find it,
 * and connections already open never notice.
 */
class SocketRecoveryTest {
    private FaultFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private static boolean isSocket(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aDeletedSocketIsRecreatedAndNewHostsConnect() throws Exception {
        f.startFaultAgent("--auto-approve");
        TestExtension before = f.viaHost(newKey());
        before.awaitReady(30);

        Files.delete(f.socket);
        await(30, () -> "the agent did not re-create its socket:\n" + f.agentLog(), () -> isSocket(f.socket));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.socket)));
        TestExtension after = f.viaHost(newKey());
        after.awaitReady(30);
        assertEquals(2, get(faults(after).echo(new FaultChannel.Num(2))).n());
        assertEquals(1, get(faults(before).echo(new FaultChannel.Num(1))).n(), "the open connection never noticed");

        // The whole socket directory, too. The agent may re-create the socket while the tree is
        // being removed (it watches the directory): remove again until the directory is gone.
        for (int i = 0; Files.exists(f.socket.getParent()); i++) {
            try {
                ShortTempDir.deleteTree(f.socket.getParent());
            } catch (java.nio.file.DirectoryNotEmptyException raced) {
                assertTrue(i < 100, "could not remove the socket directory");
            }
        }
        await(30, () -> "the agent did not re-create its socket directory:\n" + f.agentLog(), () -> isSocket(f.socket));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.socket.getParent())));
        TestExtension third = f.viaHost(newKey());
        third.awaitReady(30);
        assertEquals(3, get(faults(third).stats()).connections());
    }

    /**
     * While the socket is missing (the agent frozen with SIGSTOP, so it cannot re-create it yet) a
     * new host reports {@code desktop_unavailable}; once the agent runs again and re-creates the
     * socket, that host connects by itself.
     */
    @Test
    void aHostStartedWhileTheSocketIsMissingConnectsOnceItIsBack() throws Exception {
        f.startFaultAgent("--auto-approve");
        f.agent.suspend();
        try {
            Files.delete(f.socket);
            HostProcess host = f.rawHost();
            assertEquals("desktop_unavailable", nextFrame(host).path("state").asText());
            assertFalse(Files.exists(f.socket));
            f.agent.resume();
            assertEquals("connected", nextFrame(host).path("state").asText(),
                    () -> "after the agent re-created its socket\n" + host.stderr() + "\n" + f.agentLog());
        } finally {
            f.agent.resume();
        }
        assertTrue(f.agent.isAlive());
    }

    /**
     * While this agent was frozen its socket was deleted and another agent took the path: this
     * one leaves it alone (and says so once), and takes the path back only once it is free again.
     */
    @Test
    void anotherAgentOnThePathIsLeftAlone() throws Exception {
        f.startFaultAgent("--auto-approve");
        f.agent.suspend();
        LocalSocketServer other;
        try {
            Files.delete(f.socket);
            other = LocalSocketServer.start(f.socket, LocalConnection::close);
        } finally {
            f.agent.resume();
        }
        Object othersFile = fileKey(f.socket);
        try {
            await(30, () -> "the agent did not notice the other agent:\n" + f.agentLog(),
                    () -> f.agentLog().contains("another agent now serves"));
            assertEquals(othersFile, fileKey(f.socket), "the other agent's socket is untouched");
        } finally {
            other.close(); // Removes its socket file.
        }
        await(30, () -> "the agent did not take the free path back:\n" + f.agentLog(), () -> isSocket(f.socket));
        TestExtension e = f.viaHost(newKey());
        e.awaitReady(30);
    }

    private static Object fileKey(Path p) throws java.io.IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** A stopping agent removes its own (re-created) socket, and only that. */
    @Test
    void stoppingRemovesTheRecreatedSocket() throws Exception {
        f.startFaultAgent("--auto-approve");
        Files.delete(f.socket);
        await(30, () -> "the agent did not re-create its socket", () -> isSocket(f.socket));
        f.agent.stop(); // SIGTERM: the shutdown hook closes the agent.
        assertFalse(Files.exists(f.socket), "the re-created socket is removed on stop");
    }
}
