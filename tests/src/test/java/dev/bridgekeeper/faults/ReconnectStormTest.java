package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.testing.TestExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every extension reconnects at once (after an agent restart, say). Found with the soak test:
 * each handshake of a paired extension rewrote and synced the whole pairing file to record its
 * last-seen time, so a storm of N reconnects queued N disk syncs. Now the time is kept to the
 * hour: a storm writes nothing, a stale time is written once.
 */
class ReconnectStormTest {
    private FaultFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void aReconnectStormDoesNotRewriteThePairingStore() throws Exception {
        KeyPair fresh = newKey();
        KeyPair stale = newKey();
        PairingStore store = PairingStore.open(f.dataDir);
        store.save(new PairingRecord("fresh", "Fresh", FaultFixture.CALLER, fresh.publicKey(),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().minus(Duration.ofMinutes(5))));
        f.startFaultAgent();
        byte[] before = f.pairingBytes();
        List<TestExtension> storm = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            storm.add(f.direct(fresh));
        }
        for (TestExtension e : storm) {
            e.awaitReady(60);
        }
        assertArrayEquals(before, f.pairingBytes(), "40 handshakes of an extension seen 5 minutes ago wrote nothing");

        Instant staleSeen = Instant.now().minus(Duration.ofHours(2));
        f.agent.kill();
        PairingStore.open(f.dataDir).save(new PairingRecord("stale", "Stale", FaultFixture.CALLER, stale.publicKey(),
                Instant.now().minus(Duration.ofDays(1)), staleSeen));
        f.startFaultAgent();
        TestExtension e = f.direct(stale);
        e.awaitReady(60);
        Instant recorded = f.openStore().findById("stale").orElseThrow().lastSeen();
        assertTrue(recorded.isAfter(staleSeen.plus(Duration.ofHours(1))), "a stale last-seen time is updated: " + recorded);
        assertEquals(2, f.openStore().list().size());
    }
}
