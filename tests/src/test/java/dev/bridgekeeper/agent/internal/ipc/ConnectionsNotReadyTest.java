package dev.bridgekeeper.agent.internal.ipc;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.await;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cap on accepted connections whose session is not ready yet (in its handshake or waiting for
 * a pairing): one over it is closed at once, a ready session frees its place and is never closed
 * for it, and a connection that goes away frees its place.
 */
class ConnectionsNotReadyTest {
    private final IpcTestKit kit = new IpcTestKit();

    @AfterEach
    void tearDown() throws Exception {
        kit.close();
    }

    @Test
    void theBuilderRefusesACapBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> IpcClient.builder().maxConnectionsNotReady(0));
    }

    @Test
    void oneOverTheCapIsClosedAndReadyOrClosedConnectionsFreeTheirPlace() throws Exception {
        IpcTestKit.ManualPairingProvider provider = new IpcTestKit.ManualPairingProvider();
        IpcClient desktop = kit.desktop(b -> b.cryptoProvider(provider).maxConnectionsNotReady(2));
        desktop.start();

        IpcTestKit.RawPeer a = kit.raw("ext-a");
        IpcTestKit.RawPeer b = kit.raw("ext-b");
        String aId = provider.openedIds.poll(IpcTestKit.WAIT_SECONDS, TimeUnit.SECONDS);
        provider.openedIds.poll(IpcTestKit.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(2, desktop.connectionsNotReady());

        IpcTestKit.RawPeer c = kit.raw("ext-c");
        await(c.closed); // The third, not ready, is over the cap.
        assertEquals(2, desktop.connectionsNotReady());

        provider.pair(aId, PeerIdentity.ANONYMOUS);
        assertEquals(1, desktop.connectionsNotReady());
        IpcTestKit.RawPeer d = kit.raw("ext-d");
        provider.openedIds.poll(IpcTestKit.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(2, desktop.connectionsNotReady());

        b.backend.close(); // A peer that gives up frees its place.
        awaitTrue("b's place to be free", () -> desktop.connectionsNotReady() == 1);
        IpcTestKit.RawPeer e = kit.raw("ext-e");
        provider.openedIds.poll(IpcTestKit.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(2, desktop.connectionsNotReady());
        IpcTestKit.RawPeer f = kit.raw("ext-f");
        await(f.closed);

        // The ready session was never touched: it still answers.
        assertTrue(a.roundTrip("r1").has("result"));
        assertEquals(1, a.closed.getCount());
        assertEquals(1, d.closed.getCount());
        assertEquals(1, e.closed.getCount());
    }
}
