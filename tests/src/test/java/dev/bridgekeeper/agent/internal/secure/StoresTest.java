package dev.bridgekeeper.agent.internal.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.ShortTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The identity and pairing stores on disk: modes, reloads, damage, and crashes mid-write. */
class StoresTest {
    static final SecureRandom RANDOM = new SecureRandom();
    ShortTempDir tmp;
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        tmp = new ShortTempDir();
        dir = tmp.resolve("data");
    }

    @AfterEach
    void tearDown() throws Exception {
        tmp.close();
    }

    static PairingRecord record(int i) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return new PairingRecord("p" + i, "Extension " + i, "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/",
                key, Instant.parse("2026-01-01T00:00:00Z"), null);
    }

    @Test
    void identityIsCreatedOnceThenReloadedPrivately() throws Exception {
        KeyPair first = IdentityStore.loadOrCreate(dir);
        KeyPair again = IdentityStore.loadOrCreate(dir);
        assertArrayEquals(first.publicKey(), again.publicKey());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(IdentityStore.FILE_NAME))));
    }

    @Test
    void aDamagedIdentityIsReportedAndLeftAlone() throws Exception {
        IdentityStore.loadOrCreate(dir);
        Path file = dir.resolve(IdentityStore.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 0x20;
        Files.write(file, bytes);
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> IdentityStore.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("left untouched"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file), "not overwritten");
    }

    @Test
    void pairingsSurviveReloadAndRevocation() throws Exception {
        PairingStore store = PairingStore.open(dir);
        PairingRecord a = record(1);
        PairingRecord b = record(2);
        store.save(a);
        store.save(b);
        store.save(b.withLastSeen(Instant.parse("2026-02-02T00:00:00Z")));
        PairingStore reloaded = PairingStore.open(dir);
        assertEquals(List.of(a, b.withLastSeen(Instant.parse("2026-02-02T00:00:00Z"))), reloaded.list());
        assertTrue(reloaded.findByKey(a.staticPublicKey()).isPresent());
        assertTrue(reloaded.remove("p1"));
        assertEquals(1, PairingStore.open(dir).list().size());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(PairingStore.FILE_NAME))));
    }

    @Test
    void aDamagedPairingFileIsReportedKeptAsideAndNotTrusted() throws Exception {
        PairingStore store = PairingStore.open(dir);
        store.save(record(1));
        Path file = dir.resolve(PairingStore.FILE_NAME);
        byte[] good = Files.readAllBytes(file);
        for (byte[] bad : List.of(java.util.Arrays.copyOf(good, good.length / 2), "not a store".getBytes())) {
            Files.write(file, bad);
            PairingStore reopened = PairingStore.open(dir);
            assertEquals(List.of(), reopened.list(), "nothing of a damaged file is trusted");
            assertTrue(reopened.rejection().orElseThrow().contains("changed outside the agent"));
            assertArrayEquals(bad, Files.readAllBytes(dir.resolve(PairingStore.FILE_NAME + PairingStore.REJECTED_SUFFIX)),
                    "a damaged file is kept aside, never overwritten");
        }
    }

    @Test
    void aFailedWriteChangesNothing() throws Exception {
        PairingStore store = PairingStore.open(dir);
        store.save(record(1));
        byte[] before = Files.readAllBytes(dir.resolve(PairingStore.FILE_NAME));
        // A directory the store cannot create files in stands for a full or read-only disk.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        try {
            if (Files.isWritable(dir)) {
                return; // Root ignores the mode; the disk-full test in the hardening suite covers this then.
            }
            assertThrows(java.io.UncheckedIOException.class, () -> store.save(record(2)));
            assertEquals(1, store.list().size(), "memory unchanged");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(PairingStore.FILE_NAME)));
    }

    /**
     * A child process saves pairings as fast as it can and is killed (SIGKILL) at random moments,
     * many times. Every time, the store opens cleanly and holds what the child had last
     * confirmed, or one more.
     */
    @Test
    void theStoreSurvivesACrashMidWrite() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 25; round++) {
            int before = PairingStore.open(dir).list().size();
            // The child reports each durable save in a file, so nothing it confirmed is lost with it.
            Path report = tmp.resolve("child-" + round + ".out");
            Process child = new ProcessBuilder(HostProcess.javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", HostProcess.fullClassPath(), StoreWriterChild.class.getName(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(report.toFile()).start();
            for (int i = 0; i < 600 && !Files.readString(report).contains("ready"); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.readAllLines(report).contains("ready"), "child started: " + Files.readString(report));
            Thread.sleep(5 + random.nextInt(60)); // A random moment to die at, not a synchronisation.
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            int confirmed = before;
            for (String line : Files.readAllLines(report)) {
                if (line.matches("\\d+")) {
                    confirmed = Integer.parseInt(line);
                }
            }
            int after = PairingStore.open(dir).list().size(); // Must not throw: never a damaged file.
            assertTrue(after >= confirmed && after <= confirmed + 1,
                    "round " + round + ": confirmed " + confirmed + ", found " + after);
        }
    }

    /** Saves new pairings in a loop, printing the count after each durable save. */
    public static final class StoreWriterChild {
        public static void main(String[] args) throws Exception {
            PairingStore store = PairingStore.open(Path.of(args[0]));
            System.out.println("ready");
            System.out.flush();
            for (int i = store.list().size() + 1; ; i++) {
                store.save(record(i + 1000 * (int) (System.nanoTime() % 1000)));
                System.out.println(store.list().size());
                System.out.flush();
            }
        }
    }
}
