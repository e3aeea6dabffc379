package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.await;
import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static dev.bridgekeeper.faults.FaultFixture.take;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bridgekeeper.cli.MainAccess;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.secure.IdentityStore;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.testing.TestExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The disk holding the agent's data fills up (a small tmpfs, filled to the last byte) and the
 * user approves a pairing: the shipped agent cannot save it, so the extension gets
 * {@code error/internal} "could not save the pairing", the CLI says the same instead of
 * "approved", and nothing on disk changes. Known extensions keep working. Once space is freed the
 * same extension pairs, and after a restart everything is there.
 *
 * <p>Needs root (to mount the tmpfs); skipped with the reason otherwise. {@code scripts/faults.sh}
 * runs it as root.
 */
class DiskFullTest {
    private FaultFixture f;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
        mount = f.tmp.resolve("disk");
        Files.createDirectory(mount);
        assumeTrue(run("id", "-u").equals("0"), "mounting a small tmpfs needs root (run scripts/faults.sh as root)");
        String out = run("mount", "-t", "tmpfs", "-o", "size=256k", "bk-faults", mount.toString());
        mounted = isTmpfs(mount);
        assumeTrue(mounted, "mount -t tmpfs was refused here: " + out);
        f.dataDir = mount.resolve("data");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            f.stopAll(); // The agent and hosts first: then nothing uses the tmpfs.
        } finally {
            if (mounted) {
                String out = run("umount", mount.toString());
                assertTrue(Files.getFileStore(mount).type() != null && !isTmpfs(mount), "umount: " + out);
            }
            f.close();
        }
    }

    private static boolean isTmpfs(Path p) throws IOException {
        return Files.getFileStore(p).type().equals("tmpfs") && Files.getFileStore(p).name().equals("bk-faults");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** Writes a file until the file system says it is full; returns it. */
    private Path fillUp() throws IOException {
        Path filler = mount.resolve("filler");
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                block.clear();
                ch.write(block);
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), String.valueOf(full));
        }
        return filler;
    }

    @Test
    void aPairingApprovedOnAFullDiskFailsCleanlyAndWorksOnceThereIsSpace() throws Exception {
        f.startReferenceAgent();
        TestExtension known = f.viaHost(newKey());
        assertEquals(0, f.answerShownCode(known, true).code());
        known.awaitReady(30);
        byte[] pairings = f.pairingBytes();
        byte[] identity = Files.readAllBytes(f.dataDir.resolve(IdentityStore.FILE_NAME));

        Path filler = fillUp();
        TestExtension newcomer = f.viaHost(newKey());
        MainAccess.Result approved = f.answerShownCode(newcomer, true);
        assertEquals(1, approved.code(), "the CLI does not claim success: " + approved.out() + approved.err());
        assertTrue(approved.err().contains("could not save the pairing"), approved.err());
        assertEquals("internal", take(newcomer.ui().failures, "failure"));
        assertTrue(take(newcomer.ui().failureMessages, "failure message").contains("could not save the pairing"));

        assertArrayEquals(pairings, f.pairingBytes(), "the pairing file is untouched");
        assertArrayEquals(identity, Files.readAllBytes(f.dataDir.resolve(IdentityStore.FILE_NAME)));
        assertTrue(f.leftovers().isEmpty(), "no temporary file is left on the full disk: " + f.leftovers());
        assertEquals(1, f.openStore().list().size());
        // A known extension still connects (only its last-seen time cannot be written) and is served.
        TestExtension knownAgain = f.viaHost(known.key(), known.pins());
        knownAgain.awaitReady(30);
        assertTrue(knownAgain.ui().codes.isEmpty(), "no pairing for a known extension");
        assertNotNull(knownAgain.client().call(Endpoint.desktop(), "biometric.status", null).get(30, TimeUnit.SECONDS));

        Files.delete(filler);
        // An error ends the extension's port (as the sample extension does); it tries again with a
        // new one, the same key. The pairing runs again and now it is saved.
        await(30, () -> "the failed extension's port is still open", () -> newcomer.client().connections().isEmpty());
        TestExtension retry = f.viaHost(newcomer.key());
        MainAccess.Result ok = f.answerShownCode(retry, true);
        assertEquals(0, ok.code(), ok.err());
        retry.awaitReady(30);
        assertEquals(2, f.openStore().list().size());

        // A clean restart: both reconnect by themselves without pairing again.
        f.agent.stop();
        await(30, () -> "the extensions still see the stopped agent",
                () -> retry.client().connections().isEmpty() && knownAgain.client().connections().isEmpty());
        f.startReferenceAgent();
        knownAgain.awaitReady(60);
        retry.awaitReady(60);
        assertTrue(knownAgain.ui().codes.isEmpty() && retry.ui().codes.isEmpty(), "no pairing after the restart");
        PairingStore store = f.openStore();
        assertTrue(store.findByKey(known.key().publicKey()).isPresent());
        assertTrue(store.findByKey(newcomer.key().publicKey()).isPresent());
    }
}
