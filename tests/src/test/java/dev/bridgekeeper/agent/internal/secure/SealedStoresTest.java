package dev.bridgekeeper.agent.internal.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.agent.SecretStore;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.testing.ShortTempDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sealing the identity and the pairing store's key in a {@link SecretStore}, moving plaintext
 * keys into it, the file fallback, and detecting a pairing store changed by someone without the
 * key. The store here is an in-memory map (the layer under test is the sealing logic; the real
 * Secret Service runs in {@code SecretServiceIT}, scripts/keyring-it.sh).
 */
class SealedStoresTest {
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

    /** A store kept in memory; {@code available} and {@code failWrites} play a missing or broken keyring. */
    static final class MapStore implements SecretStore {
        final Map<String, byte[]> items = new ConcurrentHashMap<>();
        volatile boolean available = true;
        volatile boolean failWrites;

        @Override
        public String name() {
            return "Test Store";
        }

        @Override
        public Optional<String> unavailableReason() {
            return available ? Optional.empty() : Optional.of("no keyring in this test");
        }

        @Override
        public Optional<byte[]> read(String key) {
            return Optional.ofNullable(items.get(key)).map(byte[]::clone);
        }

        @Override
        public void write(String key, byte[] secret) throws IOException {
            if (failWrites) {
                throw new IOException("the keyring refused the write");
            }
            items.put(key, secret.clone());
        }

        @Override
        public boolean delete(String key) {
            return items.remove(key) != null;
        }
    }

    private String identityFile() throws IOException {
        return Files.readString(dir.resolve(IdentityStore.FILE_NAME), StandardCharsets.UTF_8);
    }

    @Test
    void aSealedIdentityKeepsOnlyItsPublicHalfInTheFile() throws Exception {
        MapStore store = new MapStore();
        KeyStorage keys = KeyStorage.open(dir, store);
        KeyPair first = IdentityStore.loadOrCreate(keys);
        assertEquals("sealed (Test Store)", keys.description());
        assertFalse(identityFile().contains("privateKey"), identityFile());
        assertTrue(identityFile().contains("\"protection\":\"secret-store\""));
        assertArrayEquals(first.privateKey(), store.read(keys.keyName(IdentityStore.IDENTITY_SECRET)).orElseThrow());
        KeyPair again = IdentityStore.loadOrCreate(KeyStorage.open(dir, store));
        assertArrayEquals(first.publicKey(), again.publicKey());
    }

    @Test
    void aPlaintextIdentityMovesIntoTheStoreOnFirstStart() throws Exception {
        MapStore store = new MapStore();
        store.available = false;
        KeyStorage fallback = KeyStorage.open(dir, store);
        KeyPair plain = IdentityStore.loadOrCreate(fallback);
        assertEquals("file (not sealed)", fallback.description());
        assertTrue(identityFile().contains("privateKey"), "the fallback keeps the key in the file");

        store.available = true;
        KeyPair migrated = IdentityStore.loadOrCreate(KeyStorage.open(dir, store));
        assertArrayEquals(plain.publicKey(), migrated.publicKey(), "the identity is never lost");
        assertFalse(identityFile().contains("privateKey"), "the file lost its copy once the store had it");
        assertArrayEquals(plain.publicKey(), IdentityStore.loadOrCreate(KeyStorage.open(dir, store)).publicKey());
    }

    @Test
    void aFailedSealKeepsTheFileAndIsReported() throws Exception {
        MapStore store = new MapStore();
        store.available = false;
        KeyPair plain = IdentityStore.loadOrCreate(KeyStorage.open(dir, store));
        byte[] before = Files.readAllBytes(dir.resolve(IdentityStore.FILE_NAME));

        store.available = true;
        store.failWrites = true;
        KeyStorage keys = KeyStorage.open(dir, store);
        assertArrayEquals(plain.publicKey(), IdentityStore.loadOrCreate(keys).publicKey());
        assertEquals("file (not sealed)", keys.description());
        assertTrue(keys.notSealedReason().orElseThrow().contains("refused the write"));
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(IdentityStore.FILE_NAME)), "the file is kept as it was");
    }

    @Test
    void aSealedIdentityIsNeverReplacedWhenTheStoreIsGone() throws Exception {
        MapStore store = new MapStore();
        IdentityStore.loadOrCreate(KeyStorage.open(dir, store));
        byte[] before = Files.readAllBytes(dir.resolve(IdentityStore.FILE_NAME));
        store.available = false;
        IOException e = assertThrows(IOException.class, () -> IdentityStore.loadOrCreate(KeyStorage.open(dir, store)));
        assertTrue(e.getMessage().contains("sealed in Test Store, which cannot be used now"), e.getMessage());
        store.available = true;
        store.items.clear();
        e = assertThrows(CorruptStoreException.class, () -> IdentityStore.loadOrCreate(KeyStorage.open(dir, store)));
        assertTrue(e.getMessage().contains("not in Test Store any more"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(IdentityStore.FILE_NAME)));
    }

    @Test
    void pairingsSurviveARestartAndTheirKeyIsSealed() throws Exception {
        MapStore store = new MapStore();
        PairingStore.open(KeyStorage.open(dir, store)).save(StoresTest.record(1));
        assertFalse(Files.exists(dir.resolve(KeyStorage.PAIRING_KEY_FILE)), "no key file when the store is usable");
        PairingStore reopened = PairingStore.open(KeyStorage.open(dir, store));
        assertEquals(1, reopened.list().size());
        assertTrue(reopened.rejection().isEmpty());
        assertTrue(Files.readString(dir.resolve(PairingStore.FILE_NAME)).startsWith("bridgekeeper-pairings v2 hmac-sha256="));
    }

    @Test
    void aPairingAddedByHandIsDetectedAndNothingIsTrusted() throws Exception {
        MapStore store = new MapStore();
        PairingStore.open(KeyStorage.open(dir, store)).save(StoresTest.record(1));
        Path file = dir.resolve(PairingStore.FILE_NAME);
        String text = Files.readString(file);
        int nl = text.indexOf('\n');
        // Another process of the user adds its own key, keeping the header as it was.
        PairingRecord intruder = StoresTest.record(2);
        String body = new String(PairingStore.serialize(List.of(StoresTest.record(1), intruder)), StandardCharsets.UTF_8);
        Files.writeString(file, text.substring(0, nl + 1) + body);
        PairingStore reopened = PairingStore.open(KeyStorage.open(dir, store));
        assertEquals(List.of(), reopened.list());
        assertTrue(reopened.findByKey(intruder.staticPublicKey()).isEmpty(), "the added key is not trusted");
        assertTrue(reopened.rejection().orElseThrow().contains("written without this agent's key"),
                reopened.rejection().orElseThrow());
    }

    @Test
    void aStoreForgedWithAnotherKeyOrDowngradedToV1IsRejected() throws Exception {
        MapStore store = new MapStore();
        PairingStore.open(KeyStorage.open(dir, store)).save(StoresTest.record(1));
        Path file = dir.resolve(PairingStore.FILE_NAME);
        byte[] body = PairingStore.serialize(List.of(StoresTest.record(3)));

        StoreFile.writeAuthenticated(file, PairingStore.FORMAT, body, new byte[32]);
        assertTrue(PairingStore.open(KeyStorage.open(dir, store)).rejection().isPresent(), "a guessed key");

        StoreFile.write(file, PairingStore.FORMAT, body); // A valid v1 checksum, which anyone can compute.
        PairingStore downgraded = PairingStore.open(KeyStorage.open(dir, store));
        assertTrue(downgraded.rejection().orElseThrow().contains("unauthenticated (v1)"));
        assertEquals(List.of(), downgraded.list());
    }

    @Test
    void aV1StoreFromBeforeIsAcceptedOnceAndAuthenticated() throws Exception {
        Path file = dir.resolve(PairingStore.FILE_NAME);
        AtomicFiles.ensurePrivateDirectory(dir);
        StoreFile.write(file, PairingStore.FORMAT, PairingStore.serialize(List.of(StoresTest.record(1))));
        MapStore store = new MapStore();
        PairingStore upgraded = PairingStore.open(KeyStorage.open(dir, store));
        assertEquals(1, upgraded.list().size());
        assertTrue(Files.readString(file).startsWith("bridgekeeper-pairings v2 "));
        assertEquals(1, PairingStore.open(KeyStorage.open(dir, store)).list().size());
    }

    @Test
    void withoutAStoreThePairingKeyIsAFileAndMovesInLater() throws Exception {
        MapStore store = new MapStore();
        store.available = false;
        PairingStore.open(KeyStorage.open(dir, store)).save(StoresTest.record(1));
        assertTrue(Files.exists(dir.resolve(KeyStorage.PAIRING_KEY_FILE)));
        store.available = true;
        assertEquals(1, PairingStore.open(KeyStorage.open(dir, store)).list().size());
        assertFalse(Files.exists(dir.resolve(KeyStorage.PAIRING_KEY_FILE)), "the key moved into the store");
        assertEquals(1, PairingStore.open(KeyStorage.open(dir, store)).list().size());
    }

    @Test
    void theMacCoversTheFormatAndBody() {
        byte[] key = new byte[32];
        byte[] a = StoreFile.hmac(key, "f", "x".getBytes(StandardCharsets.UTF_8));
        byte[] b = StoreFile.hmac(key, "g", "x".getBytes(StandardCharsets.UTF_8));
        assertFalse(HexFormat.of().formatHex(a).equals(HexFormat.of().formatHex(b)));
    }
}
