package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.Source;
import dev.bridgekeeper.testing.NoEncryptionCryptoProvider;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.await;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IpcClientLifecycleTest {
    private final IpcTestKit kit = new IpcTestKit();

    @AfterEach
    void tearDown() throws Exception {
        kit.close();
    }

    @Test
    void theBuilderRequiresABackendAndAnExplicitCryptoProvider() {
        assertThrows(NullPointerException.class,
                () -> IpcClient.builder().cryptoProvider(new NoEncryptionCryptoProvider()).build());
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> IpcClient.builder().backend(kit.hub.desktop()).build());
        assertTrue(e.getMessage().contains("cryptoProvider"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpcClient.builder().maxMessageSize(10));
        assertThrows(IllegalArgumentException.class, () -> IpcClient.builder().subscriberQueueSize(0));
        assertThrows(IllegalArgumentException.class, () -> IpcClient.builder().defaultDeadline(java.time.Duration.ZERO));
    }

    @Test
    void startOnceCloseIdempotentlyAndNothingWorksAfterClose() throws Exception {
        IpcClient desktop = kit.desktop();
        assertThrows(IllegalStateException.class, () -> desktop.publish("x", null, Endpoint.all()));
        desktop.start();
        assertThrows(IllegalStateException.class, desktop::start);
        desktop.close();
        desktop.close();
        assertTrue(desktop.isClosed());
        assertThrows(IllegalStateException.class, desktop::start);
        assertThrows(IpcClosedException.class, () -> desktop.subscribe("x", m -> {}));
        assertThrows(IpcClosedException.class, () -> desktop.publish("x", null, Endpoint.all()));
        assertInstanceOf(IpcClosedException.class, failure(desktop.call(Endpoint.connection("c"), "m", null)));
        assertInstanceOf(IpcClosedException.class, failure(desktop.whenReady(Endpoint.connection("c"))));
    }

    @Test
    void aBackendThatCannotStartClosesTheClient() {
        CommunicationBackend broken = new CommunicationBackend() {
            @Override
            public void start(Listener listener) throws IOException {
                throw new IOException("socket in use");
            }

            @Override
            public void send(String connectionId, byte[] frame) {}

            @Override
            public void close(String connectionId) {}

            @Override
            public void close() {}
        };
        IpcClient client = IpcClient.builder().backend(broken).cryptoProvider(new NoEncryptionCryptoProvider()).build();
        IOException e = assertThrows(IOException.class, client::start);
        assertEquals("socket in use", e.getMessage());
        assertTrue(client.isClosed());
    }

    @Test
    void waitersForReadinessFailWhenTheClientCloses() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        CompletableFuture<Source> waiting = desktop.whenReady(Endpoint.connection("later"));
        desktop.close();
        assertInstanceOf(IpcClosedException.class, failure(waiting));
    }

    @Test
    void whenReadyCompletesOnceTheConnectionIsPaired() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CompletableFuture<Source> atDesktop = desktop.whenReady(ext.atDesktop());
        CompletableFuture<Source> atExtension = ext.client().whenReady(Endpoint.desktop());
        desktop.start();
        ext.client().start();
        assertEquals("chrome-extension://aaa/", await(atDesktop).callerId());
        assertEquals(Endpoint.desktop(), await(atExtension).endpoint());
        assertThrows(IllegalArgumentException.class, () -> desktop.whenReady(Endpoint.all()));
    }

    @Test
    void aSessionThatThrowsOnAFrameClosesOnlyItsConnection() throws Exception {
        CryptoProvider picky = (info, io) -> {
            io.ready(PeerIdentity.ANONYMOUS);
            return new CryptoProvider.Session() {
                @Override
                public void onFrame(byte[] frame) {
                    if (frame.length > 0 && frame[0] == 'X') {
                        throw new IllegalStateException("bad frame");
                    }
                    io.deliver(frame);
                }

                @Override
                public void send(byte[] plaintext) {
                    io.sendFrame(plaintext);
                }

                @Override
                public void close() {}
            };
        };
        IpcClient desktop = kit.desktop(b -> b.cryptoProvider(picky));
        desktop.start();
        IpcTestKit.RawPeer good = kit.raw("chrome-extension://good/");
        IpcTestKit.RawPeer bad = kit.raw("chrome-extension://bad/");
        good.roundTrip("g1");
        bad.send("X garbage");
        await(bad.closed);
        good.roundTrip("g2");
        // The peer sees its socket close a moment before the desktop's table forgets the connection.
        IpcTestKit.awaitTrue("only the good connection in the table", () -> desktop.connections().size() == 1);
    }
}
