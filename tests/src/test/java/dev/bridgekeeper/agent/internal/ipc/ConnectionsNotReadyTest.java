package dev.bridgekeeper.agent.internal.ipc;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.await;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.ipc.Source;
import java.util.concurrent.LinkedBlockingQueue;
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
        LinkedBlockingQueue<Source> desktopSawClose = new LinkedBlockingQueue<>();
        desktop.addConnectionListener(new ConnectionListener() {
            @Override
            public void closed(Source source) {
                desktopSawClose.add(source);
            }
        });
        desktop.start();

        IpcTestKit.RawPeer a = kit.raw("ext-a");
        String aId = nextSession(provider);
        IpcTestKit.RawPeer b = kit.raw("ext-b");
        nextSession(provider);

        IpcTestKit.RawPeer c = kit.raw("ext-c");
        await(c.closed); // Over the cap: closed before any session was opened for it.
        provider.pair(aId, PeerIdentity.ANONYMOUS); // A ready session frees its place...
        IpcTestKit.RawPeer d = kit.raw("ext-d");
        nextSession(provider); // ...which the next one takes,
        IpcTestKit.RawPeer e = kit.raw("ext-e");
        await(e.closed); // and the cap is reached again.

        b.backend.close(); // A peer that gives up frees its place too, once the desktop has seen it go.
        take(desktopSawClose);
        IpcTestKit.RawPeer f = kit.raw("ext-f");
        nextSession(provider);
        assertNull(provider.openedIds.poll(), "no session was opened for a refused connection");

        // The ready session was never touched: it still answers.
        assertTrue(a.roundTrip("r1").has("result"));
        assertEquals(1, a.closed.getCount());
        assertEquals(1, d.closed.getCount());
        assertEquals(1, f.closed.getCount());
    }

    private static String nextSession(IpcTestKit.ManualPairingProvider provider) throws InterruptedException {
        String id = provider.openedIds.poll(IpcTestKit.WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(id, "a session was opened");
        return id;
    }
}
