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
