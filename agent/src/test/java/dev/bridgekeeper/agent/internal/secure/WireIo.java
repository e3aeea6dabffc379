package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.ipc.PeerIdentity;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A session's side of a connection that the test drives by hand: frames the session sends wait in
 * {@link #sent} until the test hands them (perhaps altered) to the other session.
 */
final class WireIo implements CryptoProvider.SessionIo {
    final ConnectionInfo info;
    final SessionRepository repo;
    final BlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    final List<byte[]> delivered = new CopyOnWriteArrayList<>();
    volatile PeerIdentity ready;
    volatile boolean closed;

    WireIo(ConnectionInfo info, SessionRepository repo) {
        this.info = info;
        this.repo = repo;
    }

    @Override
    public ConnectionInfo info() {
        return info;
    }

    @Override
    public SessionRepository sessions() {
        return repo;
    }

    @Override
    public int maxMessageSize() {
        return 1 << 20;
    }

    @Override
    public void sendFrame(byte[] frame) {
        if (closed) {
            throw new IpcException("closed");
        }
        sent.add(frame);
    }

    @Override
    public void deliver(byte[] plaintextIpcMessage) {
        delivered.add(plaintextIpcMessage.clone());
    }

    @Override
    public void ready(PeerIdentity identity) {
        ready = identity;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Moves every frame this side sent to {@code to}; returns how many. */
    int pumpTo(CryptoProvider.Session to) {
        int n = 0;
        byte[] f;
        while ((f = sent.poll()) != null) {
            to.onFrame(f);
            n++;
        }
        return n;
    }

    /** The last frame this side sent, as text (e.g. its error envelope). */
    String lastSent() {
        byte[] last = null;
        for (byte[] f : sent) {
            last = f;
        }
        return last == null ? "" : new String(last, java.nio.charset.StandardCharsets.UTF_8);
    }
}
