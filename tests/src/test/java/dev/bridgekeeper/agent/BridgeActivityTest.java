package dev.bridgekeeper.agent;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.ipc.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DesktopBridge.Builder#onActivity}: what an activity view hears, through a real host process. */
class BridgeActivityTest {
    private final BlockingQueue<BridgeActivity> heard = new LinkedBlockingQueue<>();
    private AgentHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new AgentHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private BridgeActivity next(BridgeActivity.Kind kind) throws InterruptedException {
        List<BridgeActivity> skipped = new ArrayList<>();
        while (true) {
            BridgeActivity a = heard.poll(30, SECONDS);
            assertNotNull(a, "no " + kind + " activity; heard " + skipped);
            if (a.kind() == kind) {
                return a;
            }
            skipped.add(a);
        }
    }

    @Test
    void connectionPairingCallsAndCloseAreReportedWithoutPayloads() throws Exception {
        h.start(b -> b.onActivity(heard::add));
        AgentHarness.Extension e = h.extension();
        BridgeActivity connected = next(BridgeActivity.Kind.CONNECTED);
        assertEquals(AgentHarness.CALLER, connected.callerId());
        BridgeActivity requested = next(BridgeActivity.Kind.PAIRING_REQUESTED);
        assertEquals(connected.connectionId(), requested.connectionId());
        assertNotNull(requested.subject(), "the extension's name");
        assertEquals("approved", next(BridgeActivity.Kind.PAIRING_ANSWERED).outcome());
        e.awaitReady();
        BridgeActivity ready = next(BridgeActivity.Kind.READY);
        assertEquals(requested.subject(), ready.subject());

        e.client().call(Endpoint.desktop(), "biometric.status", null).get(30, SECONDS);
        BridgeActivity status = next(BridgeActivity.Kind.CALL);
        assertEquals("biometric.status", status.subject());
        assertEquals("ok", status.outcome());
        assertEquals(AgentHarness.CALLER, status.callerId());

        ExecutionException missing = assertThrows(ExecutionException.class, () ->
                e.client().call(Endpoint.desktop(), "no.such", new ObjectMapper().createObjectNode().put("secret", "s3cr3t"))
                        .get(30, SECONDS));
        assertNotNull(missing.getCause());
        BridgeActivity notFound = next(BridgeActivity.Kind.CALL);
        assertEquals("no.such", notFound.subject());
        assertEquals("method_not_found", notFound.outcome());
        assertFalse(notFound.toString().contains("s3cr3t"), "params must never reach the activity");

        h.stopAgent();
        BridgeActivity gone = next(BridgeActivity.Kind.DISCONNECTED);
        assertEquals(connected.connectionId(), gone.connectionId());
    }

    @Test
    void aRejectedPairingIsReportedAsRejectedAndAThrowingListenerChangesNothing() throws Exception {
        h.start(b -> b.pairingApprover(PairingApprover.REJECT_ALL).onActivity(a -> {
            heard.add(a);
            throw new IllegalStateException("a broken activity view");
        }));
        AgentHarness.Extension e = h.extension();
        BridgeActivity answered = next(BridgeActivity.Kind.PAIRING_ANSWERED);
        assertEquals("rejected", answered.outcome());
        assertEquals("pairing_rejected", e.ui().failures.poll(30, SECONDS));
        assertTrue(h.bridge.pairings().list().isEmpty());
    }
}
