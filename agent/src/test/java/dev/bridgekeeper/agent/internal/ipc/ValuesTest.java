package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.Source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Endpoints, connection info, topics, pairing records and the in-memory repository. */
class ValuesTest {

    @Test
    void endpointsCompareByValueAndConnectionIdsAreChecked() {
        assertEquals(Endpoint.desktop(), Endpoint.desktop());
        assertEquals(Endpoint.connection("c-1"), Endpoint.connection("c-1"));
        assertNotEquals(Endpoint.connection("c-1"), Endpoint.connection("c-2"));
        assertNotEquals(Endpoint.all(), Endpoint.desktop());
        for (String bad : new String[] {"", "a b", "a/b", "x".repeat(129), "ä"}) {
            assertThrows(IllegalArgumentException.class, () -> Endpoint.connection(bad), bad);
        }
        assertThrows(NullPointerException.class, () -> Endpoint.connection(null));
    }

    @Test
    void connectionInfoTiesThePeerEndpointToItsId() {
        ConnectionInfo ext = ConnectionInfo.fromExtension("c-1", "chrome-extension://a/", "chromium", "u", 1L);
        assertEquals(Endpoint.connection("c-1"), ext.peer());
        assertFalse(ext.initiator());
        assertTrue(ConnectionInfo.toDesktop("c-9").initiator());
        assertThrows(IllegalArgumentException.class,
                () -> new ConnectionInfo("c-1", Endpoint.connection("c-2"), null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ConnectionInfo("c-1", Endpoint.all(), null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Source(Endpoint.all(), null, null, null, null, null, true));
    }

    @Test
    void topicsKnowWhatIsReserved() {
        assertTrue(Topics.isReserved("rpc.request"));
        assertTrue(Topics.isReserved("pairing.anything"));
        assertTrue(Topics.isReserved("session.ready"));
        assertFalse(Topics.isReserved("rpc.requests"));
        assertFalse(Topics.isReserved("pairing"));
        assertFalse(Topics.isReserved("desktop.locked"));
        assertEquals("desktop.locked", Topics.requireApplicationTopic("desktop.locked"));
    }

    private static final byte[] KEY_A = "abc".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_B = new byte[32];

    @Test
    void pairingRecordsCopyTheirKeyAndFingerprintIsSha256Hex() {
        byte[] key = KEY_A.clone();
        PairingRecord r = new PairingRecord("p1", "Ext", "chrome-extension://a/", key, Instant.EPOCH, null);
        key[0] = 'z';
        assertArrayEquals(KEY_A, r.staticPublicKey());
        r.staticPublicKey()[0] = 'z';
        assertArrayEquals(KEY_A, r.staticPublicKey());
        // FIPS 180-2 test vector: SHA-256("abc").
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", r.fingerprint());
        assertTrue(r.hasKey(KEY_A));
        assertEquals(r, new PairingRecord("p1", "Ext", "chrome-extension://a/", KEY_A, Instant.EPOCH, null));
        assertNotEquals(r, r.withLastSeen(Instant.EPOCH));
        assertThrows(IllegalArgumentException.class,
                () -> new PairingRecord("p1", "Ext", "c", new byte[0], Instant.EPOCH, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PairingRecord(" ", "Ext", "c", KEY_A, Instant.EPOCH, null));
    }

    @Test
    void theInMemoryRepositoryFindsSavesReplacesAndRemoves() {
        SessionRepository repo = new InMemorySessionRepository();
        PairingRecord a = new PairingRecord("a", "A", "chrome-extension://a/", KEY_A, Instant.ofEpochSecond(2), null);
        PairingRecord b = new PairingRecord("b", "B", "moz-extension:b", KEY_B, Instant.ofEpochSecond(1), null);
        repo.save(a);
        repo.save(b);
        assertEquals(List.of(b, a), repo.list()); // oldest first
        assertEquals(Optional.of(a), repo.findByKey(KEY_A));
        assertEquals(Optional.of(b), repo.findByFingerprint(PairingRecord.fingerprintOf(KEY_B)));
        assertEquals(Optional.of(a), repo.findById("a"));
        assertEquals(Optional.empty(), repo.findByKey(new byte[] {1}));

        PairingRecord seen = a.withLastSeen(Instant.ofEpochSecond(3));
        repo.save(seen);
        assertEquals(Optional.of(seen), repo.findById("a"));

        // The same key paired again under a new id replaces the old pairing.
        PairingRecord again = new PairingRecord("a2", "A", "chrome-extension://a/", KEY_A, Instant.ofEpochSecond(4), null);
        repo.save(again);
        assertEquals(Optional.empty(), repo.findById("a"));
        assertEquals(Optional.of(again), repo.findByKey(KEY_A));

        assertTrue(repo.remove("b"));
        assertFalse(repo.remove("b"));
        assertEquals(List.of(again), repo.list());
    }
}
