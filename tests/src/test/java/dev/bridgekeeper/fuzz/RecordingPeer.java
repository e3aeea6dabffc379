package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.agent.internal.ipc.CommunicationBackend;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.testing.InMemoryHub;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hostile or scripted peer on an {@link InMemoryHub}: sends any frame bytes to the desktop and
 * records every frame it gets back exactly as sent (no parsing, so a broken answer is seen as it
 * is) and whether the desktop closed the connection.
 */
public final class RecordingPeer implements CommunicationBackend.Listener, AutoCloseable {
    /** Upper bound of any wait; a correct run never comes close. */
    public static final long WAIT_SECONDS = 10;

    public final InMemoryHub.ClientBackend backend;
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final CountDownLatch opened = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    private RecordingPeer(InMemoryHub.ClientBackend backend) {
        this.backend = backend;
    }

    /** Connects to the hub's desktop as {@code callerId} and waits until the connection is open. */
    public static RecordingPeer connect(InMemoryHub hub, String callerId) {
        RecordingPeer peer = new RecordingPeer(hub.connect(new InMemoryHub.PeerDetails(callerId, "chromium", "fuzz", 1L)));
        peer.backend.start(peer);
        await(peer.opened, "the connection did not open");
        return peer;
    }

    /** Sends one frame; false if the connection is already closed. */
    public boolean send(byte[] frame) {
        try {
            backend.send(backend.connectionId(), frame);
            return true;
        } catch (RuntimeException closedAlready) {
            return false;
        }
    }

    /** The next frame from the desktop, or null if none comes within {@link #WAIT_SECONDS}. */
    public byte[] next() {
        return poll(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The next frame if one comes within the given time, else null. */
    public byte[] poll(long time, TimeUnit unit) {
        try {
            return received.poll(time, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Frames received and not yet taken, without waiting. */
    public byte[] pollNow() {
        return received.poll();
    }

    /** Waits until the desktop closes the connection. */
    public void awaitClosed() {
        await(closed, "the desktop did not close the connection");
    }

    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    @Override
    public void opened(ConnectionInfo info) {
        opened.countDown();
    }

    @Override
    public void frame(String connectionId, byte[] frame) {
        received.add(frame);
    }

    @Override
    public void closed(String connectionId) {
        closed.countDown();
    }

    @Override
    public void close() {
        backend.close();
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
